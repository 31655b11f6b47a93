namespace TfLiteMicro;

/// <summary>A named metadata entry of the model (e.g. "OfflineMemoryAllocation") and its buffer's bytes.</summary>
public sealed class ModelMetadata
{
    internal ModelMetadata(string name, int bufferIndex, ReadOnlyMemory<byte> data)
    {
        Name = name;
        BufferIndex = bufferIndex;
        Data = data;
    }

    public string Name { get; }
    public int BufferIndex { get; }
    public ReadOnlyMemory<byte> Data { get; }
}
