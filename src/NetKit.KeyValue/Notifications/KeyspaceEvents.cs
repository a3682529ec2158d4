using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Keyspace notifications, as Redis 7.0's notify.c: a change to a key publishes its event on
/// <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> and the key on <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>, through the
/// server's pub/sub broker, for the classes <c>notify-keyspace-events</c> turns on. Every write that Redis notifies
/// calls <see cref="Notify"/> (through <see cref="KeyValueStore.Notify"/>) after its change, under the write lock,
/// so subscribers see events in the order the changes were made and before the writer's reply.
/// </summary>
/// <remarks>Off by default, and then one integer test per call: nothing is built unless a class is on.</remarks>
internal sealed class KeyspaceEvents
{
    /// <summary>Redis's own error, which lists the letters it accepts.</summary>
    public const string InvalidFlagsError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

    private int _flags;

    /// <summary>Where events are published; null (a store without a server) publishes nothing.</summary>
    public PubSubBroker? Broker { get; set; }

    /// <summary>The classes on, as <see cref="KeyspaceEventClass"/> bits.</summary>
    public KeyspaceEventClass Flags
    {
        get => (KeyspaceEventClass)Volatile.Read(ref _flags);
        set => Volatile.Write(ref _flags, (int)value);
    }

    /// <summary>Publishes <paramref name="eventName"/> for <paramref name="key"/> of <paramref name="database"/> when
    /// <paramref name="eventClass"/> is on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Notify(KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, int database)
    {
        if ((Volatile.Read(ref _flags) & (int)eventClass) != 0)
        {
            Publish(eventName, key, database);
        }
    }

    /// <summary>Redis's keyspaceEventsStringToFlags: the letters of <c>notify-keyspace-events</c>, any order.</summary>
    /// <returns>False when a character is not one of Redis's letters.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out KeyspaceEventClass flags)
    {
        flags = KeyspaceEventClass.None;
        foreach (char letter in text)
        {
            var one = letter switch
            {
                'A' => KeyspaceEventClass.All,
                'g' => KeyspaceEventClass.Generic,
                '$' => KeyspaceEventClass.String,
                'l' => KeyspaceEventClass.List,
                's' => KeyspaceEventClass.Set,
                'h' => KeyspaceEventClass.Hash,
                'z' => KeyspaceEventClass.SortedSet,
                'x' => KeyspaceEventClass.Expired,
                'e' => KeyspaceEventClass.Evicted,
                'K' => KeyspaceEventClass.Keyspace,
                'E' => KeyspaceEventClass.Keyevent,
                't' => KeyspaceEventClass.Stream,
                'm' => KeyspaceEventClass.KeyMiss,
                'd' => KeyspaceEventClass.Module,
                'n' => KeyspaceEventClass.New,
                _ => (KeyspaceEventClass)(-1),
            };
            if (one == (KeyspaceEventClass)(-1))
            {
                flags = KeyspaceEventClass.None;
                return false;
            }

            flags |= one;
        }

        return true;
    }

    /// <summary>Redis's keyspaceEventsFlagsToString: the canonical form CONFIG GET shows (<c>AKE</c>, <c>gKE</c>).</summary>
    public static string Format(KeyspaceEventClass flags)
    {
        var text = new StringBuilder();
        if ((flags & KeyspaceEventClass.All) == KeyspaceEventClass.All)
        {
            text.Append('A');
        }
        else
        {
            Append(text, flags, KeyspaceEventClass.Generic, 'g');
            Append(text, flags, KeyspaceEventClass.String, '$');
            Append(text, flags, KeyspaceEventClass.List, 'l');
            Append(text, flags, KeyspaceEventClass.Set, 's');
            Append(text, flags, KeyspaceEventClass.Hash, 'h');
            Append(text, flags, KeyspaceEventClass.SortedSet, 'z');
            Append(text, flags, KeyspaceEventClass.Expired, 'x');
            Append(text, flags, KeyspaceEventClass.Evicted, 'e');
            Append(text, flags, KeyspaceEventClass.Stream, 't');
            Append(text, flags, KeyspaceEventClass.Module, 'd');
            Append(text, flags, KeyspaceEventClass.New, 'n');
        }

        Append(text, flags, KeyspaceEventClass.Keyspace, 'K');
        Append(text, flags, KeyspaceEventClass.Keyevent, 'E');
        Append(text, flags, KeyspaceEventClass.KeyMiss, 'm');
        return text.ToString();
    }

    private static void Append(StringBuilder text, KeyspaceEventClass flags, KeyspaceEventClass one, char letter)
    {
        if ((flags & one) != 0)
        {
            text.Append(letter);
        }
    }

    private void Publish(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, int database)
    {
        var flags = Flags;
        // Nobody subscribed, nobody to tell: the channel names are not even built.
        if (Broker is not { } broker || (broker.ChannelCount == 0 && broker.PatternCount == 0))
        {
            return;
        }

        if ((flags & KeyspaceEventClass.Keyspace) != 0)
        {
            PublishOn(broker, "__keyspace@"u8, database, key, eventName);
        }

        if ((flags & KeyspaceEventClass.Keyevent) != 0)
        {
            PublishOn(broker, "__keyevent@"u8, database, eventName, key);
        }
    }

    private static void PublishOn(PubSubBroker broker, ReadOnlySpan<byte> prefix, int database, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> payload)
    {
        // prefix, at most 11 digits of a database number, "__:", suffix.
        int length = prefix.Length + 11 + 3 + suffix.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var channel = rented.AsSpan();
            prefix.CopyTo(channel);
            int at = prefix.Length;
            Utf8Formatter.TryFormat(database, channel[at..], out int digits);
            at += digits;
            "__:"u8.CopyTo(channel[at..]);
            at += 3;
            suffix.CopyTo(channel[at..]);
            at += suffix.Length;
            broker.Publish(channel[..at], payload, shard: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
