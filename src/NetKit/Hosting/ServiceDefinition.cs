namespace NetKit.Hosting;

/// <summary>One NetKit service: its name on the command line, its transport and its default port.</summary>
public sealed record ServiceDefinition(string Name, string Transport, int DefaultPort, string Summary);
