namespace NetKit.Tests.Cli;

/// <summary>
/// A fact that mounts a tmpfs (read-only, or tiny and full) to meet a storage failure for real: skipped, with
/// the reason in the test report, unless the tests run as root on Linux. CI runs as root, so there it runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRootFactAttribute : FactAttribute
{
    public RequiresRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Skip = "mounting a tmpfs needs root on Linux";
        }
    }
}
