namespace TfLiteMicro;

/// <summary>
/// A named metadata entry of the model (e.g. "OfflineMemoryAllocation") and its buffer's bytes. A view over the
/// model's bytes (see <see cref="Model"/>).
/// </summary>
public readonly struct ModelMetadata
{
    private readonly Model _model;
    private readonly int _table;

    internal ModelMetadata(Model model, int table)
    {
        _model = model;
        _table = table;
    }

    /// <summary>The entry's name.</summary>
    public string Name => Table.GetString(0) ?? "";

    /// <summary>The index of the buffer holding the entry's bytes.</summary>
    public int BufferIndex => (int)Table.GetUInt32(1);

    /// <summary>The entry's bytes, a slice of the model.</summary>
    public ReadOnlyMemory<byte> Data => _model.Buffers[BufferIndex];

    private FlatTable Table => _model.Table(_table);

    /// <summary>The entry's name and size.</summary>
    public override string ToString() => $"{Name} ({Data.Length} bytes)";
}
