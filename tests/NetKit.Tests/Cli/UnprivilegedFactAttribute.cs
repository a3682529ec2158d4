using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.Cli;

/// <summary>
/// A fact about a permission check, which root passes whatever the mode bits say: as root the test runs netkit
/// through setpriv as nobody, otherwise as itself. Skipped only as root without setpriv (util-linux).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class UnprivilegedFactAttribute : FactAttribute
{
    public UnprivilegedFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix mode bits";
        }
        else if (Environment.IsPrivilegedProcess && ExternalTool.Find("setpriv") is null)
        {
            Skip = "running as root and setpriv (util-linux) is not installed to drop it";
        }
    }
}
