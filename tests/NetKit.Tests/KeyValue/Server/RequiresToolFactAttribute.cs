namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// A fact that needs an external program (redis-cli, redis-benchmark): skipped, with the reason shown in the
/// test report, when the program is not on PATH. CI installs redis-tools, so there it always runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        string[] missing = [.. tools.Where(tool => ExternalTool.Find(tool) is null)];
        if (missing.Length > 0)
        {
            Skip = $"{string.Join(" and ", missing)} not installed (apt-get install redis-tools)";
        }
    }
}
