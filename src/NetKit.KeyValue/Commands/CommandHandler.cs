namespace NetKit.KeyValue;

/// <summary>Runs one command: reads its arguments from the context and writes exactly one reply.</summary>
internal delegate void CommandHandler(ref CommandContext context);
