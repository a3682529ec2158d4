namespace NetKit.KeyValue;

/// <summary>How a string value was made, where Redis's OBJECT ENCODING follows that rather than the bytes.</summary>
internal enum StringForm : byte
{
    /// <summary>Set whole: int, embstr or raw by its content and length, as Redis's tryObjectEncoding.</summary>
    ByContent,

    /// <summary>Changed in place (APPEND, SETRANGE, SETBIT, BITOP): raw.</summary>
    Raw,

    /// <summary>Made from a float (INCRBYFLOAT): embstr or raw by length, never int.</summary>
    NotInteger,
}
