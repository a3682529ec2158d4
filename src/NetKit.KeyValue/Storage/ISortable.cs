namespace NetKit.KeyValue;

/// <summary>
/// A value SORT reads: a list, and the set and sorted set types beside it. SORT needs only its elements, and
/// whether they have an order of their own (a list's, a sorted set's by score) that <c>BY nosort</c> keeps;
/// a set has none, so SORT ... STORE sorts it anyway, as Redis does to keep the stored result stable.
/// Read under the store's write lock.
/// </summary>
internal interface ISortable
{
    int Count { get; }

    /// <summary>The elements keep an order of their own.</summary>
    bool Ordered { get; }

    /// <summary>Adds the elements, in their own order when <see cref="Ordered"/>, from position
    /// <paramref name="start"/> on (from the other end when <paramref name="reverse"/>), at most
    /// <paramref name="count"/> of them.</summary>
    void CopyTo(List<byte[]> into, int start, int count, bool reverse);
}
