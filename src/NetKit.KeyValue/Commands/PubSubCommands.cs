using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Redis 7.0's pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB, and the shard
/// variants SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, which without a cluster are channels of their own. Each
/// (un)subscription is confirmed by its own reply (kind, name, count), the count being channels plus patterns
/// (shard channels alone for the shard commands), as Redis counts them.
/// </summary>
internal static class PubSubCommands
{
    private const CommandFlags Anytime = CommandFlags.Loading | CommandFlags.Stale;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("subscribe", -2, Anytime, Subscribe, "pubsub", "Listens for messages published to channels."));
        table.Add(new CommandSpec("unsubscribe", -1, Anytime, Unsubscribe, "pubsub", "Stops listening to messages posted to channels."));
        table.Add(new CommandSpec("psubscribe", -2, Anytime, PatternSubscribe, "pubsub", "Listens for messages published to channels that match one or more patterns."));
        table.Add(new CommandSpec("punsubscribe", -1, Anytime, PatternUnsubscribe, "pubsub", "Stops listening to messages published to channels that match one or more patterns."));
        table.Add(new CommandSpec("ssubscribe", -2, Anytime, ShardSubscribe, "pubsub", "Listens for messages published to shard channels.", 1, -1, 1));
        table.Add(new CommandSpec("sunsubscribe", -1, Anytime, ShardUnsubscribe, "pubsub", "Stops listening to messages posted to shard channels.", 1, -1, 1));
        table.Add(new CommandSpec("publish", 3, Anytime | CommandFlags.Fast, Publish, "pubsub", "Posts a message to a channel."));
        table.Add(new CommandSpec("spublish", 3, Anytime | CommandFlags.Fast, ShardPublish, "pubsub", "Post a message to a shard channel", 1, 1, 1));
        table.Add(new CommandSpec("pubsub", -2, Anytime, PubSub, "pubsub", "A container for Pub/Sub commands."));
    }

    /// <summary>What RESP2 allows a subscribed client (Redis's list): anything else is refused with <see cref="RefusedWhileSubscribed"/>.</summary>
    public static bool AllowedWhileSubscribed(CommandSpec spec) =>
        spec.Name is "subscribe" or "unsubscribe" or "psubscribe" or "punsubscribe" or "ssubscribe" or "sunsubscribe"
            or "ping" or "quit" or "reset";

    /// <summary>Redis's refusal, naming the command as Redis does (a container's subcommand as <c>client|list</c>).</summary>
    public static string RefusedWhileSubscribed(ref CommandContext context, CommandSpec spec) =>
        $"ERR Can't execute '{FullName(ref context, spec)}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

    /// <summary>PING in subscribed mode: RESP2 has no push type, so Redis answers with a two-element array.</summary>
    public static void SubscribedPing(ref CommandContext context)
    {
        if (context.Count > 2)
        {
            context.WrongArity();
            return;
        }

        context.Reply.ArrayHeader(2);
        context.Reply.Bulk("pong"u8);
        context.Reply.Bulk(context.Count == 2 ? context[1] : []);
    }

    private static void Subscribe(ref CommandContext context) => SubscribeTo(ref context, SubscriptionKind.Channel, "subscribe"u8);

    private static void PatternSubscribe(ref CommandContext context) => SubscribeTo(ref context, SubscriptionKind.Pattern, "psubscribe"u8);

    private static void ShardSubscribe(ref CommandContext context) => SubscribeTo(ref context, SubscriptionKind.ShardChannel, "ssubscribe"u8);

    private static void Unsubscribe(ref CommandContext context) => UnsubscribeFrom(ref context, SubscriptionKind.Channel, "unsubscribe"u8);

    private static void PatternUnsubscribe(ref CommandContext context) => UnsubscribeFrom(ref context, SubscriptionKind.Pattern, "punsubscribe"u8);

    private static void ShardUnsubscribe(ref CommandContext context) => UnsubscribeFrom(ref context, SubscriptionKind.ShardChannel, "sunsubscribe"u8);

    private static void SubscribeTo(ref CommandContext context, SubscriptionKind kind, ReadOnlySpan<byte> confirmation)
    {
        var mine = context.Session.PubSub;
        var broker = context.Database.PubSub;
        for (int i = 1; i < context.Count; i++)
        {
            broker.Subscribe(mine, context[i], kind);
            Confirm(ref context, confirmation, context[i], Count(mine, kind));
        }
    }

    private static void UnsubscribeFrom(ref CommandContext context, SubscriptionKind kind, ReadOnlySpan<byte> confirmation)
    {
        var mine = context.Session.PubSub;
        var broker = context.Database.PubSub;
        if (context.Count == 1)
        {
            var names = broker.UnsubscribeAll(mine, kind);
            DrainPosted(ref context);
            if (names.Length == 0)
            {
                // Subscribed to nothing: still one reply, naming no channel.
                ConfirmNone(ref context, confirmation, Count(mine, kind));
                return;
            }

            // Redis counts down as it goes: the first reply says what was left after the first removal.
            int left = Count(mine, kind) + names.Length;
            foreach (byte[] name in names)
            {
                Confirm(ref context, confirmation, name, --left);
            }

            return;
        }

        for (int i = 1; i < context.Count; i++)
        {
            broker.Unsubscribe(mine, context[i], kind);
            // What was posted before the channel left the broker goes out ahead of this reply, nothing after it.
            DrainPosted(ref context);
            Confirm(ref context, confirmation, context[i], Count(mine, kind));
        }
    }

    private static void Publish(ref CommandContext context) =>
        context.Reply.Integer(context.Database.PubSub.Publish(context[1], context[2], shard: false));

    private static void ShardPublish(ref CommandContext context) =>
        context.Reply.Integer(context.Database.PubSub.Publish(context[1], context[2], shard: true));

    private static void PubSub(ref CommandContext context)
    {
        var broker = context.Database.PubSub;
        var reply = context.Reply;
        bool shardChannels = context.Is(1, "SHARDCHANNELS"u8);
        bool shardNumSub = context.Is(1, "SHARDNUMSUB"u8);
        if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Subcommands.Help(reply, "PUBSUB",
            [
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)",
            ]);
        }
        else if ((context.Is(1, "CHANNELS"u8) || shardChannels) && context.Count is 2 or 3)
        {
            var channels = broker.ActiveChannels(context.Count == 3 ? context[2] : default, anyName: context.Count == 2, shard: shardChannels);
            reply.ArrayHeader(channels.Count);
            foreach (byte[] channel in channels)
            {
                reply.Bulk(channel);
            }
        }
        else if (context.Is(1, "NUMSUB"u8) || shardNumSub)
        {
            reply.ArrayHeader((context.Count - 2) * 2);
            for (int i = 2; i < context.Count; i++)
            {
                reply.Bulk(context[i]);
                reply.Integer(broker.SubscriberCount(context[i], shardNumSub));
            }
        }
        else if (context.Is(1, "NUMPAT"u8) && context.Count == 2)
        {
            reply.Integer(broker.PatternCount);
        }
        else if (context.Is(1, "NUMPAT"u8) || context.Is(1, "HELP"u8))
        {
            // Their arity is fixed, so Redis refuses them before they run.
            reply.Error($"ERR wrong number of arguments for 'pubsub|{context.ArgString(1).ToLowerInvariant()}' command");
        }
        else if (context.Is(1, "CHANNELS"u8) || shardChannels)
        {
            reply.Error($"ERR unknown subcommand or wrong number of arguments for '{context.ArgString(1)}'. Try PUBSUB HELP.");
        }
        else
        {
            reply.Error($"ERR unknown subcommand '{Truncate(context.ArgString(1))}'. Try PUBSUB HELP.");
        }
    }

    /// <summary>Writes out what was posted to this client so far, unless the reply is an EXEC's array, which it would break.</summary>
    private static void DrainPosted(ref CommandContext context)
    {
        var mine = context.Session.PubSub;
        if (!mine.InsideExec)
        {
            mine.Outbox.DrainTo(context.Push.Output, long.MaxValue);
        }
    }

    private static int Count(PubSubSession session, SubscriptionKind kind) =>
        kind == SubscriptionKind.ShardChannel ? session.ShardChannelCount : session.SubscriptionCount;

    private static void Confirm(ref CommandContext context, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> name, int count)
    {
        // A push, so it goes out even with CLIENT REPLY OFF, as Redis's addReplyPushLen does.
        var reply = context.Push;
        reply.PushHeader(3);
        reply.Bulk(kind);
        reply.Bulk(name);
        reply.Integer(count);
    }

    private static void ConfirmNone(ref CommandContext context, ReadOnlySpan<byte> kind, int count)
    {
        // A push, so it goes out even with CLIENT REPLY OFF, as Redis's addReplyPushLen does.
        var reply = context.Push;
        reply.PushHeader(3);
        reply.Bulk(kind);
        reply.Null();
        reply.Integer(count);
    }

    private static string FullName(ref CommandContext context, CommandSpec spec)
    {
        if (context.Count >= 2 && spec.Name is "client" or "config" or "object" or "memory" or "slowlog" or "latency" or "command" or "pubsub")
        {
            return spec.Name + "|" + Encoding.UTF8.GetString(context[1]).ToLowerInvariant();
        }

        return spec.Name;
    }

    private static string Truncate(string text) => text.Length > 128 ? text[..128] : text;
}
