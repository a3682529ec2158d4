using Microsoft.Extensions.Configuration;

namespace NetKit.Cli.Settings;

/// <summary>A redis.conf as the first (weakest) configuration source: <see cref="RedisConfProvider"/>.</summary>
public sealed class RedisConfSource(string path) : IConfigurationSource
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new RedisConfProvider(Path);
}
