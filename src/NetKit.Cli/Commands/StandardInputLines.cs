using System.Runtime.CompilerServices;

namespace NetKit.Cli.Commands;

/// <summary>Lines typed or piped on stdin, for the clients that take their input from there.</summary>
public static class StandardInputLines
{
    public static async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }
}
