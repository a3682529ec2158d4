using NetKit.Connections;

namespace NetKit.KeyValue;

/// <summary>
/// A connection whose blocking list command (BLPOP...) waits: the command is taken, nothing after it runs until
/// the wait ends, and its reply is the first thing written when the connection is woken. While nothing else
/// has arrived the connection goes on reading, as a subscriber's does (a wake interrupts that read), so a
/// client that closes while blocked is seen at once and forgotten; once it sends more, that input is held
/// unread, as Redis leaves a blocked client's input for later.
/// </summary>
public sealed partial class KeyValueProtocol
{
    private ProtocolStep WhileBlocked(bool nothingMore, bool endOfStream, long consumed)
    {
        _atRequestBoundary = true;
        if (endOfStream)
        {
            return ProtocolStep.CloseAfter(consumed);
        }

        Session.PubSub.Outbox.Listening = true;
        return nothingMore ? ProtocolStep.Continue(consumed) : ProtocolStep.Hold(consumed);
    }

    /// <summary>The reply of a wait that has ended, written ahead of anything else; it acknowledges the pop a
    /// push served to it, so it leaves once that is in the log.</summary>
    private void DeliverBlockedReply(CountingBufferWriter output)
    {
        if (Session.BlockedListIfAny is not { State: not (BlockState.None or BlockState.Waiting) } blocked
            || !BlockingListCommands.TryDeliver(blocked, new ReplyWriter(output, RespMode), _database.Databases.WriteLock))
        {
            return;
        }

        var pubsub = Session.PubSub;
        pubsub.Outbox.Listening = pubsub.InSpecialMode;
        if (_database.Log is { } log)
        {
            _awaitingDurable = log.AppendedSequence;
        }
    }
}
