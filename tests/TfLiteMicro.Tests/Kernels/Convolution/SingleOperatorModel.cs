using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>
/// Writes a .tflite FlatBuffer holding one subgraph with one operator, so a kernel can be run through the real
/// model reader and interpreter on hand-picked tensors (the vectors of TFLM's kernel tests).
/// </summary>
internal sealed class SingleOperatorModel
{
    private readonly List<Table> _tensors = [];
    private readonly List<byte[]> _buffers = [[]];
    private readonly BuiltinOperator _op;
    private readonly int _version;
    private int[] _inputs = [], _outputs = [];
    private byte _optionsType;
    private Table? _options;

    public SingleOperatorModel(BuiltinOperator op, int version = 1)
    {
        _op = op;
        _version = version;
    }

    /// <summary>Adds a tensor (constant when <paramref name="data"/> is given) and returns its index.</summary>
    public int Tensor(TensorType type, int[] shape, byte[]? data = null, float[]? scales = null, long[]? zeroPoints = null, int quantizedDimension = 0)
    {
        int buffer = 0;
        if (data is not null)
        {
            _buffers.Add(data);
            buffer = _buffers.Count - 1;
        }
        var t = new Table()
            .Ref(0, Vector.Of<int>(shape))
            .Scalar(1, (byte)type)
            .Scalar(2, (uint)buffer)
            .Ref(3, new Text($"t{_tensors.Count}"));
        if (scales is not null)
        {
            t.Ref(4, new Table()
                .Ref(2, Vector.Of<float>(scales))
                .Ref(3, Vector.Of<long>(zeroPoints ?? new long[scales.Length]))
                .Scalar(6, quantizedDimension));
        }
        _tensors.Add(t);
        return _tensors.Count - 1;
    }

    public int Constant<T>(TensorType type, int[] shape, T[] values, float[]? scales = null, long[]? zeroPoints = null, int quantizedDimension = 0)
        where T : unmanaged
        => Tensor(type, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), scales, zeroPoints, quantizedDimension);

    /// <summary>Sets the operator's inputs (-1 for an omitted optional input), outputs and builtin options.</summary>
    public SingleOperatorModel Operator(int[] inputs, int[] outputs, byte optionsType, Table? options)
    {
        _inputs = inputs;
        _outputs = outputs;
        _optionsType = optionsType;
        _options = options;
        return this;
    }

    public byte[] Build(int[] graphInputs, int[] graphOutputs)
    {
        var op = new Table()
            .Scalar(0, 0u)
            .Ref(1, Vector.Of<int>(_inputs))
            .Ref(2, Vector.Of<int>(_outputs));
        if (_options is not null) op.Scalar(3, _optionsType).Ref(4, _options);

        var subgraph = new Table()
            .Ref(0, new TableVector([.. _tensors]))
            .Ref(1, Vector.Of<int>(graphInputs))
            .Ref(2, Vector.Of<int>(graphOutputs))
            .Ref(3, new TableVector([op]));
        int code = (int)_op;
        var opcode = new Table()
            .Scalar(0, (sbyte)Math.Min(code, 127))
            .Scalar(2, _version)
            .Scalar(3, code);
        var buffers = new List<Node>();
        foreach (byte[] b in _buffers)
            buffers.Add(b.Length == 0 ? new Table() : new Table().Ref(0, new Vector(b)));
        var model = new Table()
            .Scalar(0, 3u)
            .Ref(1, new TableVector([opcode]))
            .Ref(2, new TableVector([subgraph]))
            .Ref(4, new TableVector(buffers));
        return Writer.Write(model, "TFL3");
    }

    // A minimal FlatBuffer writer: objects are laid out front to back, every reference pointing forward to a child
    // written after its parent; each table's vtable sits just before it.

    internal abstract class Node;

    internal sealed class Table : Node
    {
        public readonly List<(int Slot, byte[]? Bytes, Node? Child)> Fields = [];

        public Table Scalar<T>(int slot, T value) where T : unmanaged
        {
            Fields.Add((slot, MemoryMarshal.AsBytes(new[] { value }.AsSpan()).ToArray(), null));
            return this;
        }

        public Table Ref(int slot, Node child)
        {
            Fields.Add((slot, null, child));
            return this;
        }
    }

    internal sealed class Vector(byte[] data, int count = -1) : Node
    {
        public byte[] Data { get; } = data;
        public int Count { get; } = count < 0 ? data.Length : count;

        public static Vector Of<T>(T[] values) where T : unmanaged
            => new(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length);
    }

    internal sealed class TableVector(List<Node> items) : Node
    {
        public List<Node> Items { get; } = items;
    }

    internal sealed class Text(string value) : Node
    {
        public string Value { get; } = value;
    }

    private sealed class Writer
    {
        private readonly List<byte> _bytes = [];

        public static byte[] Write(Node root, string identifier)
        {
            var w = new Writer();
            w._bytes.AddRange(new byte[4]);
            w._bytes.AddRange(Encoding.ASCII.GetBytes(identifier));
            int rootAt = w.Emit(root);
            w.Patch(0, rootAt);
            return [.. w._bytes];
        }

        private void Pad(int alignment, int extra = 0)
        {
            while ((_bytes.Count + extra) % alignment != 0) _bytes.Add(0);
        }

        private void Patch(int at, int target)
        {
            Span<byte> v = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(v, target - at);
            for (int i = 0; i < 4; i++) _bytes[at + i] = v[i];
        }

        private void Add(int value)
        {
            Span<byte> v = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(v, value);
            foreach (byte b in v) _bytes.Add(b);
        }

        private int Emit(Node node)
        {
            switch (node)
            {
                case Vector v:
                    Pad(16, 4); // element data 16-byte aligned
                    int vectorAt = _bytes.Count;
                    Add(v.Count);
                    _bytes.AddRange(v.Data);
                    return vectorAt;
                case Text s:
                    Pad(4);
                    int textAt = _bytes.Count;
                    byte[] utf8 = Encoding.UTF8.GetBytes(s.Value);
                    Add(utf8.Length);
                    _bytes.AddRange(utf8);
                    _bytes.Add(0);
                    return textAt;
                case TableVector tv:
                    Pad(4);
                    int listAt = _bytes.Count;
                    Add(tv.Items.Count);
                    int slots = _bytes.Count;
                    _bytes.AddRange(new byte[4 * tv.Items.Count]);
                    for (int i = 0; i < tv.Items.Count; i++) Patch(slots + 4 * i, Emit(tv.Items[i]));
                    return listAt;
                case Table t:
                    return EmitTable(t);
                default:
                    throw new InvalidOperationException(node.GetType().Name);
            }
        }

        private int EmitTable(Table t)
        {
            // Inline layout: the vtable offset, then 4-byte fields (references too), then 2-byte, then 1-byte ones.
            var order = t.Fields.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Bytes?.Length ?? 4).ToList();
            int maxSlot = t.Fields.Count == 0 ? -1 : t.Fields.Max(f => f.Slot);
            var fieldOffsets = new int[maxSlot + 1];
            int size = 4;
            var positions = new int[t.Fields.Count];
            foreach (var (f, i) in order)
            {
                int length = f.Bytes?.Length ?? 4;
                if (length > 4) throw new NotSupportedException("8-byte scalars are not needed here");
                positions[i] = size;
                fieldOffsets[f.Slot] = size;
                size += length;
            }
            int vtableLength = 4 + 2 * (maxSlot + 1);
            Pad(4, vtableLength);
            int vtableAt = _bytes.Count;
            _bytes.AddRange(BitConverter.GetBytes((ushort)vtableLength));
            _bytes.AddRange(BitConverter.GetBytes((ushort)size));
            foreach (int offset in fieldOffsets) _bytes.AddRange(BitConverter.GetBytes((ushort)offset));
            int tableAt = _bytes.Count;
            Add(tableAt - vtableAt);
            _bytes.AddRange(new byte[size - 4]);
            for (int i = 0; i < t.Fields.Count; i++)
            {
                byte[]? bytes = t.Fields[i].Bytes;
                if (bytes is not null)
                    for (int k = 0; k < bytes.Length; k++) _bytes[tableAt + positions[i] + k] = bytes[k];
            }
            for (int i = 0; i < t.Fields.Count; i++)
                if (t.Fields[i].Child is Node child)
                    Patch(tableAt + positions[i], Emit(child));
            return tableAt;
        }
    }
}
