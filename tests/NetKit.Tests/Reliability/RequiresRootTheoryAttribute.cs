namespace NetKit.Tests.Reliability;

/// <summary>
/// A theory that mounts a tmpfs (<see cref="Cli.TmpfsMount"/>), as <see cref="Cli.RequiresRootFactAttribute"/>
/// is for a fact: skipped, with the reason in the test report, when the tests do not run as root on Linux. The
/// developers' machines and CI run as root, so there it always runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRootTheoryAttribute : TheoryAttribute
{
    public RequiresRootTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Skip = "needs root on Linux to mount a small tmpfs that can be filled (run the tests as root, as CI does)";
        }
    }
}
