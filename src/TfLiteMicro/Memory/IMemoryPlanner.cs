namespace TfLiteMicro.Memory;

/// <summary>
/// Places buffers with known lifetimes in one region of the arena. The interpreter adds every buffer of the
/// planned region (tensors and scratch buffers, with the steps in which they are alive and, from an offline plan,
/// a fixed offset), then reads each buffer's offset and the region's size.
/// </summary>
internal interface IMemoryPlanner
{
    /// <summary>Adds a buffer alive from step <paramref name="firstUse"/> to step <paramref name="lastUse"/> (inclusive); returns its handle.</summary>
    int AddBuffer(int size, int firstUse, int lastUse, int fixedOffset = -1);

    /// <summary>Offset of buffer <paramref name="handle"/> in the planned region.</summary>
    int GetOffset(int handle);

    /// <summary>Bytes the planned region needs.</summary>
    int TotalSize { get; }
}
