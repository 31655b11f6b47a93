namespace TfLiteMicro.Memory;

/// <summary>One buffer of the interpreter's memory plan as tools show it: what it holds, when it is alive, where it is.</summary>
public sealed record MemoryPlanEntry(string Kind, int Subgraph, int Index, string Name, int Size, int FirstUse, int LastUse, int Offset);
