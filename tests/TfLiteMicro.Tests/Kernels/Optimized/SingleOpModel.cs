using System.Buffers.Binary;
using System.Text;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// Writes a one-operator .tflite model (schema 3) for property tests: a small front-to-back FlatBuffers writer
/// (each table's children follow it, so every offset points forward).
/// </summary>
internal sealed class SingleOpModel
{
    private readonly List<Table> _tensors = [];
    private readonly List<Table> _buffers = [new Table()];

    /// <summary>Adds a tensor; <paramref name="data"/> makes it a constant of the model. Returns its index.</summary>
    public int Tensor(TensorType type, int[] shape, byte[]? data = null, float[]? scales = null, long[]? zeroPoints = null, int quantizedDimension = 0)
    {
        int buffer = 0;
        if (data is not null)
        {
            buffer = _buffers.Count;
            _buffers.Add(new Table().Ref(0, new Vector(data, 1, 16)));
        }
        var tensor = new Table()
            .Ref(0, Vector.Of(shape))
            .Byte(1, (byte)type)
            .UInt(2, (uint)buffer)
            .Ref(3, new Text($"t{_tensors.Count}"));
        if (scales is not null)
        {
            var quantization = new Table()
                .Ref(2, Vector.Of(scales))
                .Ref(3, Vector.Of(zeroPoints ?? new long[scales.Length]))
                .Int(6, quantizedDimension);
            tensor.Ref(4, quantization);
        }
        _tensors.Add(tensor);
        return _tensors.Count - 1;
    }

    /// <summary>The model bytes with one operator of <paramref name="op"/> and its builtin options.</summary>
    public byte[] Build(int op, int[] inputs, int[] outputs, byte optionsType, Table options, int[] graphInputs, int[] graphOutputs)
    {
        var code = new Table().Byte(0, (byte)Math.Min(op, 127)).Int(2, 1).Int(3, op);
        var @operator = new Table()
            .UInt(0, 0)
            .Ref(1, Vector.Of(inputs))
            .Ref(2, Vector.Of(outputs))
            .Byte(3, optionsType)
            .Ref(4, options);
        var subgraph = new Table()
            .Ref(0, new TableVector([.. _tensors]))
            .Ref(1, Vector.Of(graphInputs))
            .Ref(2, Vector.Of(graphOutputs))
            .Ref(3, new TableVector([@operator]))
            .Ref(4, new Text("main"));
        var model = new Table()
            .UInt(0, 3)
            .Ref(1, new TableVector([code]))
            .Ref(2, new TableVector([subgraph]))
            .Ref(4, new TableVector([.. _buffers]));
        var writer = new Writer();
        return writer.Finish(model);
    }

    internal abstract class Node;

    /// <summary>A table: scalar fields and references by slot.</summary>
    internal sealed class Table : Node
    {
        public readonly SortedDictionary<int, object> Fields = [];
        public Table Byte(int slot, byte value) { Fields[slot] = value; return this; }
        public Table Int(int slot, int value) { Fields[slot] = value; return this; }
        public Table UInt(int slot, uint value) { Fields[slot] = value; return this; }
        public Table Ref(int slot, Node value) { Fields[slot] = value; return this; }
    }

    private sealed class Vector(byte[] data, int elementSize, int alignment) : Node
    {
        public byte[] Data { get; } = data;
        public int Count { get; } = data.Length / elementSize;
        public int Alignment { get; } = alignment;

        public static Vector Of(int[] values) => new(Bytes(values, 4, (v, s) => BinaryPrimitives.WriteInt32LittleEndian(s, v)), 4, 4);
        public static Vector Of(float[] values) => new(Bytes(values, 4, (v, s) => BinaryPrimitives.WriteSingleLittleEndian(s, v)), 4, 4);
        public static Vector Of(long[] values) => new(Bytes(values, 8, (v, s) => BinaryPrimitives.WriteInt64LittleEndian(s, v)), 8, 8);

        private static byte[] Bytes<T>(T[] values, int size, SpanAction<T> write)
        {
            var bytes = new byte[values.Length * size];
            for (int i = 0; i < values.Length; i++) write(values[i], bytes.AsSpan(i * size, size));
            return bytes;
        }

        private delegate void SpanAction<T>(T value, Span<byte> span);
    }

    private sealed class TableVector(Table[] items) : Node
    {
        public Table[] Items { get; } = items;
    }

    private sealed class Text(string value) : Node
    {
        public string Value { get; } = value;
    }

    private sealed class Writer
    {
        private readonly List<byte> _bytes = [];

        public byte[] Finish(Table root)
        {
            Append(new byte[4]);
            Append("TFL3"u8.ToArray());
            int position = Write(root);
            PatchUInt(0, (uint)position);
            Align(16);
            return [.. _bytes];
        }

        private void Append(ReadOnlySpan<byte> bytes) { foreach (byte b in bytes) _bytes.Add(b); }

        private void Align(int alignment) { while (_bytes.Count % alignment != 0) _bytes.Add(0); }

        private void PatchUInt(int at, uint value)
        {
            Span<byte> span = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
            for (int i = 0; i < 4; i++) _bytes[at + i] = span[i];
        }

        private static int SizeOf(object value) => value switch { byte => 1, _ => 4 };

        private int Write(Node node) => node switch
        {
            Table table => WriteTable(table),
            Vector vector => WriteVector(vector),
            TableVector tables => WriteTables(tables),
            Text text => WriteText(text),
            _ => throw new ArgumentException("unknown node"),
        };

        private int WriteTable(Table table)
        {
            // Inline layout: the 4-byte vtable offset, then each field at its natural alignment.
            int maxSlot = table.Fields.Count == 0 ? -1 : table.Fields.Keys.Max();
            var offsets = new ushort[maxSlot + 1];
            int size = 4;
            foreach ((int slot, object value) in table.Fields)
            {
                int fieldSize = SizeOf(value);
                size = (size + fieldSize - 1) / fieldSize * fieldSize;
                offsets[slot] = (ushort)size;
                size += fieldSize;
            }
            size = (size + 3) / 4 * 4;

            Align(2);
            int vtable = _bytes.Count;
            Span<byte> two = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)(4 + 2 * offsets.Length)); Append(two);
            BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)size); Append(two);
            foreach (ushort offset in offsets) { BinaryPrimitives.WriteUInt16LittleEndian(two, offset); Append(two); }
            Align(4);
            int start = _bytes.Count;
            Append(new byte[size]);
            PatchUInt(start, (uint)(start - vtable));
            var children = new List<(int At, Node Child)>();
            foreach ((int slot, object value) in table.Fields)
            {
                int at = start + offsets[slot];
                switch (value)
                {
                    case byte b: _bytes[at] = b; break;
                    case int i: PatchUInt(at, (uint)i); break;
                    case uint u: PatchUInt(at, u); break;
                    case Node child: children.Add((at, child)); break;
                }
            }
            foreach ((int at, Node child) in children)
            {
                int position = Write(child);
                PatchUInt(at, (uint)(position - at));
            }
            return start;
        }

        private int WriteVector(Vector vector)
        {
            int alignment = Math.Max(4, vector.Alignment);
            while ((_bytes.Count + 4) % alignment != 0) _bytes.Add(0);
            int start = _bytes.Count;
            Append(new byte[4]);
            PatchUInt(start, (uint)vector.Count);
            Append(vector.Data);
            return start;
        }

        private int WriteTables(TableVector vector)
        {
            Align(4);
            int start = _bytes.Count;
            Append(new byte[4 + 4 * vector.Items.Length]);
            PatchUInt(start, (uint)vector.Items.Length);
            for (int i = 0; i < vector.Items.Length; i++)
            {
                int at = start + 4 + 4 * i;
                int position = Write(vector.Items[i]);
                PatchUInt(at, (uint)(position - at));
            }
            return start;
        }

        private int WriteText(Text text)
        {
            Align(4);
            int start = _bytes.Count;
            byte[] utf8 = Encoding.UTF8.GetBytes(text.Value);
            Append(new byte[4]);
            PatchUInt(start, (uint)utf8.Length);
            Append(utf8);
            _bytes.Add(0);
            return start;
        }
    }
}
