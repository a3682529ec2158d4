using Microsoft.Extensions.Logging;

namespace NetKit.Hosting;

internal static partial class ServiceHostLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "{Signal} received: stopping")]
    public static partial void SignalReceived(ILogger logger, string signal);
}
