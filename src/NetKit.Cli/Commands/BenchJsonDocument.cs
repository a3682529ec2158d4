namespace NetKit.Cli.Commands;

/// <summary>What <c>netkit bench --json FILE</c> writes: where it ran, how, and what it measured.</summary>
internal sealed record BenchJsonDocument(BenchJsonEnvironment Environment, BenchJsonOptions Options, BenchJsonResults Results);
