namespace TfLiteMicro.Memory;

/// <summary>How the arena is used after AllocateTensors: size the arena from <see cref="TotalBytes"/>.</summary>
public sealed record ArenaUsage(int PlannedBytes, int ScratchRequestedBytes, int PersistentBytes, int TotalBytes, int ArenaBytes)
{
    /// <summary>
    /// <see cref="PlannedBytes"/>: activations and scratch buffers, overlapped by lifetime.
    /// <see cref="ScratchRequestedBytes"/>: the part of the requests that were scratch (before overlap), for information.
    /// <see cref="PersistentBytes"/>: variable tensors and kernels' persistent buffers.
    /// <see cref="TotalBytes"/>: what the model needs of the arena.
    /// </summary>
    public override string ToString()
        => $"{TotalBytes} of {ArenaBytes} arena bytes used (planned activations and scratch {PlannedBytes}, persistent {PersistentBytes})";
}
