namespace NetKit.KeyValue;

/// <summary>Where one argument lies within its request's bytes.</summary>
internal readonly record struct ArgRange(int Start, int Length);
