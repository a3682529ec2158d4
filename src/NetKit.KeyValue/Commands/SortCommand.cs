using System.Globalization;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// SORT and SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dest], as
/// Redis 7.0's sortCommandGeneric: over any <see cref="ISortable"/> value (a missing key sorts as empty),
/// numerically unless ALPHA (ties broken by the elements' bytes, so the order is always the same), by the
/// values a pattern's <c>*</c> names (<c>key*->field</c> reads a hash field; a pattern without <c>*</c> means
/// no sorting at all). STORE replaces the destination with a list of the result, or deletes it when empty.
/// </summary>
internal static class SortCommand
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("sort", -2, CommandFlags.Write | CommandFlags.DenyOom, Sort, "generic", "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.", 1, 1, 1));
        table.Add(new CommandSpec("sort_ro", -2, CommandFlags.ReadOnly, SortReadOnly, "generic", "Returns the sorted elements of a list, a set, or a sorted set.", 1, 1, 1));
    }

    private static void Sort(ref CommandContext context) => Run(ref context, readOnly: false);

    private static void SortReadOnly(ref CommandContext context) => Run(ref context, readOnly: true);

    private static void Run(ref CommandContext context, bool readOnly)
    {
        bool desc = false, alpha = false, dontSort = false;
        long limitStart = 0, limitCount = -1;
        int by = -1, store = -1;
        var gets = new List<int>();
        for (int j = 2; j < context.Count; j++)
        {
            int left = context.Count - j - 1;
            if (context.Is(j, "ASC"u8))
            {
                desc = false;
            }
            else if (context.Is(j, "DESC"u8))
            {
                desc = true;
            }
            else if (context.Is(j, "ALPHA"u8))
            {
                alpha = true;
            }
            else if (context.Is(j, "LIMIT"u8) && left >= 2)
            {
                if (!context.TryInteger(j + 1, out limitStart) || !context.TryInteger(j + 2, out limitCount))
                {
                    return;
                }

                j += 2;
            }
            else if (!readOnly && context.Is(j, "STORE"u8) && left >= 1)
            {
                store = ++j;
            }
            else if (context.Is(j, "BY"u8) && left >= 1)
            {
                by = ++j;
                // Sorting by a constant is no sorting at all.
                dontSort = context[by].IndexOf((byte)'*') < 0;
            }
            else if (context.Is(j, "GET"u8) && left >= 1)
            {
                gets.Add(++j);
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var db = context.Store;
        lock (db.WriteLock)
        {
            ISortable? value = null;
            if (db.TryGetValue(context[1], out object found))
            {
                value = found as ISortable ?? throw new WrongTypeException();
                // Redis's sortCommandGeneric converts a sorted set it sorts to a skiplist first, for good.
                (value as SortedSetValue)?.UseSkiplist();
            }

            int length = value?.Count ?? 0;
            if (dontSort && value is { Ordered: false } && store >= 0)
            {
                // A set has no order of its own: what is stored is sorted, so it is the same every time.
                dontSort = false;
                alpha = true;
                by = -1;
            }

            long start = Math.Max(limitStart, 0);
            long end = limitCount < 0 ? length - 1 : start + limitCount - 1;
            if (start >= length)
            {
                start = length - 1;
                end = length - 2;
            }

            end = Math.Min(end, length - 1);
            var elements = new List<byte[]>();
            if (value is { Ordered: true } && dontSort)
            {
                // Only the range asked for, in the value's own order (reversed by DESC).
                if (end >= start)
                {
                    value.CopyTo(elements, (int)start, (int)(end - start + 1), desc);
                }

                end -= start;
                start = 0;
            }
            else
            {
                value?.CopyTo(elements, 0, length, reverse: false);
            }

            if (!dontSort && !TrySort(ref context, db, elements, by, alpha, desc))
            {
                return;
            }

            int outputLength = (int)Math.Max(0, end - start + 1) * Math.Max(gets.Count, 1);
            if (store < 0)
            {
                context.Reply.ArrayHeader(outputLength);
                for (long i = start; i <= end; i++)
                {
                    if (gets.Count == 0)
                    {
                        context.Reply.Bulk(elements[(int)i]);
                    }

                    foreach (int get in gets)
                    {
                        if (Lookup(db, context[get], elements[(int)i]) is { } got)
                        {
                            context.Reply.Bulk(got);
                        }
                        else
                        {
                            context.Reply.Null();
                        }
                    }
                }

                return;
            }

            var result = new ListValue(outputLength);
            for (long i = start; i <= end; i++)
            {
                if (gets.Count == 0)
                {
                    result.PushTail(elements[(int)i]);
                }

                foreach (int get in gets)
                {
                    result.PushTail(Lookup(db, context[get], elements[(int)i]) ?? []);
                }
            }

            if (outputLength > 0)
            {
                db.PutLocked(context[store], result, expiresAtMs: 0);
                db.Notify(KeyspaceEventClass.List, "sortstore"u8, context[store]);
            }
            else if (db.RemoveLocked(context[store]))
            {
                db.Notify(KeyspaceEventClass.Generic, "del"u8, context[store]);
            }

            context.Reply.Integer(outputLength);
        }
    }

    private static bool TrySort(ref CommandContext context, KeyValueStore db, List<byte[]> elements, int by, bool alpha, bool desc)
    {
        var items = new SortItem[elements.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i].Element = elements[i];
            byte[]? byValue = by < 0 ? elements[i] : Lookup(db, context[by], elements[i]);
            if (alpha)
            {
                items[i].By = by < 0 ? elements[i] : byValue;
            }
            else if (byValue is not null && !TryScore(byValue, out items[i].Score))
            {
                context.Reply.Error("ERR One or more scores can't be converted into double"u8);
                return false;
            }
        }

        bool byPattern = by >= 0;
        Comparison<SortItem> compare = (a, b) =>
        {
            int cmp;
            if (!alpha)
            {
                cmp = a.Score.CompareTo(b.Score);
                if (cmp == 0 || double.IsNaN(a.Score))
                {
                    // Equal scores: the elements' bytes decide, so the order never depends on the sort's luck.
                    cmp = a.Element.AsSpan().SequenceCompareTo(b.Element);
                }
            }
            else if (byPattern && (a.By is null || b.By is null))
            {
                cmp = a.By == b.By ? 0 : a.By is null ? -1 : 1;
            }
            else
            {
                cmp = a.By!.AsSpan().SequenceCompareTo(b.By);
            }

            return desc ? -cmp : cmp;
        };

        // Stable, so elements that compare equal (ALPHA by equal values) keep their order.
        var sorted = items.Select((item, index) => (item, index))
            .OrderBy(pair => pair.item, Comparer<SortItem>.Create(compare)).ThenBy(pair => pair.index);
        int n = 0;
        foreach (var (item, _) in sorted)
        {
            elements[n++] = item.Element;
        }

        return true;
    }

    /// <summary>Redis's strtod reading: surrounding text not allowed (leading spaces are), "" is 0, NaN and
    /// overflow refused.</summary>
    private static bool TryScore(byte[] text, out double score)
    {
        score = 0;
        if (text.Length == 0)
        {
            return true;
        }

        string s = Encoding.Latin1.GetString(text).TrimStart(' ', '\t', '\n', '\r', '\v', '\f');
        if (s.Length == 0 || char.IsWhiteSpace(s[^1]))
        {
            return false;
        }

        if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || s.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            score = double.PositiveInfinity;
            return true;
        }

        if (s.Equals("-inf", StringComparison.OrdinalIgnoreCase) || s.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            score = double.NegativeInfinity;
            return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out score)
            && !double.IsNaN(score) && !double.IsInfinity(score);
    }

    /// <summary>Redis's lookupKeyByPattern: "#" is the element itself; the first '*' is replaced by it; a
    /// "->field" after it reads a hash's field; a pattern without '*' names nothing.</summary>
    private static byte[]? Lookup(KeyValueStore db, ReadOnlySpan<byte> pattern, byte[] element)
    {
        if (pattern.Length == 1 && pattern[0] == (byte)'#')
        {
            return element;
        }

        int star = pattern.IndexOf((byte)'*');
        if (star < 0)
        {
            return null;
        }

        var afterStar = pattern[(star + 1)..];
        int arrow = afterStar.IndexOf("->"u8);
        ReadOnlySpan<byte> field = default;
        bool isField = arrow >= 0 && arrow + 2 < afterStar.Length;
        if (isField)
        {
            field = afterStar[(arrow + 2)..];
            afterStar = afterStar[..arrow];
        }

        var key = new byte[star + element.Length + afterStar.Length];
        pattern[..star].CopyTo(key);
        element.CopyTo(key.AsSpan(star));
        afterStar.CopyTo(key.AsSpan(star + element.Length));
        if (!db.TryGetValue(key, out object value))
        {
            return null;
        }

        if (isField)
        {
            return value is HashValue hash && hash.TryGet(field, out byte[] fieldValue) ? fieldValue : null;
        }

        return value as byte[];
    }

    private struct SortItem
    {
        public byte[] Element;
        public double Score;
        public byte[]? By;
    }
}
