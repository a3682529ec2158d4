using Microsoft.Extensions.Logging;

namespace NetKit.Hosting;

internal static partial class CountLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "received {Total} bytes total")]
    public static partial void Total(ILogger logger, long total);
}
