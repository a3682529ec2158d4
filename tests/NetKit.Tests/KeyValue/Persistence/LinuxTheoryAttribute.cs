namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>A theory over Linux's own numbers (errno values): other systems number some of them apart.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux errno numbers";
        }
    }
}
