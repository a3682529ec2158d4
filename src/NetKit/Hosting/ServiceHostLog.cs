using Microsoft.Extensions.Logging;

namespace NetKit.Hosting;

internal static partial class ServiceHostLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "{Count} server(s) started")]
    public static partial void Started(ILogger logger, int count);
}
