namespace TfLiteMicro.Cli;

/// <summary>A problem the user can fix (a missing file, a wrong input size); printed as one line, no stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
