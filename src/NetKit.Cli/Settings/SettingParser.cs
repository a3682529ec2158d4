namespace NetKit.Cli.Settings;

/// <summary>
/// Reads one setting's text, the same way whether it came from an option, the configuration file, a
/// <c>NETKIT_</c> variable or a redis.conf; on failure <paramref name="error"/> says what was expected, to follow
/// <c>invalid NAME 'TEXT': </c>.
/// </summary>
public delegate bool SettingParser<T>(string text, out T value, out string error);
