using System.Globalization;
using NetKit.Load;

namespace NetKit.Cli.Commands;

/// <summary>The live progress line on stderr, once a second: rewritten in place on a terminal, one line
/// each time when stderr is a file (asked for with <c>--progress</c>).</summary>
internal sealed class BenchProgressLine : IProgress<LoadProgress>
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private bool _written;

    public void Report(LoadProgress value)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{value.Elapsed.TotalSeconds,6:0.0}s {value.Phase,-9} {value.RequestsPerSecond,12:N0} req/s  {value.Completed,12:N0} done  " +
            $"errors {value.Errors}  timeouts {value.TimedOut}  connections {value.ConnectionsLeft}");
        lock (this)
        {
            Console.Error.Write(_terminal ? $"\r{line}\u001b[K" : line + Environment.NewLine);
            _written = true;
        }
    }

    /// <summary>Ends the progress line so the report starts on a line of its own.</summary>
    public void Finish()
    {
        lock (this)
        {
            if (_terminal && _written)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
