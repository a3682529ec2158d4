using BenchmarkDotNet.Running;
using NetKit.Bench;

// Every benchmark class in this assembly; pick with --filter, e.g. --filter '*Lines*' --job short.
BenchmarkSwitcher.FromAssembly(typeof(EchoProtocolBenchmarks).Assembly).Run(args);
