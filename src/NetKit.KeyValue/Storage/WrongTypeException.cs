namespace NetKit.KeyValue;

/// <summary>
/// A command met a key holding another type than it works on. Thrown from the store's typed lookups and
/// turned into Redis's WRONGTYPE reply where commands are dispatched, so every command that reads a typed
/// value gets the check without testing for it after each lookup; no change has been made when it is thrown.
/// </summary>
internal sealed class WrongTypeException : Exception
{
    public const string Reply = "WRONGTYPE Operation against a key holding the wrong kind of value";

    public WrongTypeException()
        : base(Reply)
    {
    }

    public WrongTypeException(string message)
        : base(message)
    {
    }

    public WrongTypeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
