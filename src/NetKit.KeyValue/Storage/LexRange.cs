namespace NetKit.KeyValue;

/// <summary>
/// A member interval as ZRANGEBYLEX takes it: each end "[" inclusive, "(" exclusive, or "-" / "+" (before
/// and after every member). Members compare as bytes, a prefix first (Redis's sdscmp).
/// </summary>
internal readonly struct LexRange
{
    private readonly byte[] _min;
    private readonly byte[] _max;
    private readonly LexBound _minKind;
    private readonly LexBound _maxKind;

    private LexRange(byte[] min, LexBound minKind, byte[] max, LexBound maxKind)
    {
        _min = min;
        _minKind = minKind;
        _max = max;
        _maxKind = maxKind;
    }

    private enum LexBound
    {
        Inclusive,
        Exclusive,
        Lowest,
        Highest,
    }

    /// <summary>Parses both ends; false for an item that is none of the four forms.</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseItem(min, out byte[] minValue, out LexBound minKind) || !TryParseItem(max, out byte[] maxValue, out LexBound maxKind))
        {
            return false;
        }

        range = new LexRange(minValue, minKind, maxValue, maxKind);
        return true;
    }

    private static bool TryParseItem(ReadOnlySpan<byte> item, out byte[] value, out LexBound kind)
    {
        value = [];
        kind = LexBound.Inclusive;
        if (item.IsEmpty)
        {
            return false;
        }

        switch (item[0])
        {
            case (byte)'+' when item.Length == 1:
                kind = LexBound.Highest;
                return true;
            case (byte)'-' when item.Length == 1:
                kind = LexBound.Lowest;
                return true;
            case (byte)'(':
                kind = LexBound.Exclusive;
                value = item[1..].ToArray();
                return true;
            case (byte)'[':
                value = item[1..].ToArray();
                return true;
            default:
                return false;
        }
    }

    public bool AboveMin(ReadOnlySpan<byte> member) => _minKind switch
    {
        LexBound.Lowest => true,
        LexBound.Highest => false,
        LexBound.Exclusive => member.SequenceCompareTo(_min) > 0,
        _ => member.SequenceCompareTo(_min) >= 0,
    };

    public bool BelowMax(ReadOnlySpan<byte> member) => _maxKind switch
    {
        LexBound.Highest => true,
        LexBound.Lowest => false,
        LexBound.Exclusive => member.SequenceCompareTo(_max) < 0,
        _ => member.SequenceCompareTo(_max) <= 0,
    };

    /// <summary>No member can be in it (Redis's zslIsInLexRange's first test).</summary>
    public bool IsEmpty
    {
        get
        {
            if (_minKind == LexBound.Highest || _maxKind == LexBound.Lowest)
            {
                return true;
            }

            if (_minKind == LexBound.Lowest || _maxKind == LexBound.Highest)
            {
                return false;
            }

            int order = _min.AsSpan().SequenceCompareTo(_max);
            return order > 0 || (order == 0 && (_minKind == LexBound.Exclusive || _maxKind == LexBound.Exclusive));
        }
    }
}
