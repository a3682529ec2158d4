using NetKit.Cli;

return await CliRunner.RunAsync(args).ConfigureAwait(false);
