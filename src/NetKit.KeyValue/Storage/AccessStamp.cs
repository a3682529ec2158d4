namespace NetKit.KeyValue;

/// <summary>When a key was last read or written, and its LFU counter: what Redis keeps in an object's
/// 24 <c>lru</c> bits, for OBJECT IDLETIME and OBJECT FREQ. Written without a lock: a lost update of a
/// time or an approximate counter is harmless, as it is in Redis.</summary>
internal sealed class AccessStamp
{
    /// <summary>Redis's LFU_INIT_VAL: a new key is not evicted before it had a chance to be used.</summary>
    public const byte InitialCounter = 5;

    public long LastAccessMs;

    /// <summary>The logarithmic access counter (0-255) as of <see cref="CounterAtMinutes"/>.</summary>
    public byte Counter = InitialCounter;

    public long CounterAtMinutes;

    /// <summary>How the string was last made, where that and not its content decides OBJECT ENCODING, until it
    /// is set anew: changed in place (APPEND, SETRANGE, SETBIT, BITOP) it is raw; made from a float
    /// (INCRBYFLOAT) it is never an int.</summary>
    public StringForm Form;
}
