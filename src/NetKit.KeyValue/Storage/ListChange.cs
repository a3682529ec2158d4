namespace NetKit.KeyValue;

/// <summary>What a <see cref="ListRecord"/> did to a list, each written to the log as the Redis command that does it.</summary>
public enum ListChange
{
    /// <summary>LPUSH key element.</summary>
    PushHead,

    /// <summary>RPUSH key element.</summary>
    PushTail,

    /// <summary>LPOP key count.</summary>
    PopHead,

    /// <summary>RPOP key count.</summary>
    PopTail,

    /// <summary>LSET key index element.</summary>
    Set,

    /// <summary>LINSERT key BEFORE pivot element.</summary>
    InsertBefore,

    /// <summary>LINSERT key AFTER pivot element.</summary>
    InsertAfter,

    /// <summary>LREM key count element.</summary>
    Remove,

    /// <summary>LTRIM key start stop.</summary>
    Trim,
}
