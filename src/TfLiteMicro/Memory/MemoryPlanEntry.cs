namespace TfLiteMicro.Memory;

/// <summary>One buffer of the interpreter's memory plan as tools show it: what it holds, when it is alive, where it is.</summary>
public sealed record MemoryPlanEntry(string Kind, int Subgraph, int Index, string Name, int Size, int FirstUse, int LastUse, int Offset)
{
    /// <summary>How the tensor shares another tensor's bytes (<see cref="BufferSharingKind.None"/>: it has its own).</summary>
    public BufferSharingKind Sharing { get; init; }

    /// <summary>The name of the tensor whose bytes it uses, when <see cref="Sharing"/> is not None.</summary>
    public string? SharesWith { get; init; }

    // Written out rather than the record's generated text, which formats the enum through the framework's general
    // enum formatter (reflection over metadata) that a NativeAOT binary would then carry.
    /// <summary>The entry in one line: kind, name, size, lifetime, offset and what it shares.</summary>
    public override string ToString()
    {
        string sharing = Sharing switch
        {
            BufferSharingKind.Alias => $", alias over '{SharesWith}'",
            BufferSharingKind.InPlace => $", in place over '{SharesWith}'",
            _ => "",
        };
        return $"{Kind} '{Name}' (subgraph {Subgraph}, index {Index}): {Size} B at {Offset}, steps {FirstUse}..{LastUse}{sharing}";
    }
}
