using System.Collections;

namespace TfLiteMicro;

/// <summary>
/// A read-only list over one of the model's vectors of tables (subgraphs, tensors, operators, operator codes,
/// buffers, metadata, signature maps). It holds only its place in the model; each element is a view read from
/// the bytes when it is asked for, so indexing and <c>foreach</c> allocate nothing.
/// </summary>
public readonly struct ModelList<T> : IReadOnlyList<T>
{
    private static readonly ElementView<T> Create = ModelViews.For<T>();

    private readonly Model? _model;
    private readonly int _start;
    private readonly int _parent;

    internal ModelList(Model model, VectorPlace place, int parent = 0)
    {
        _model = model;
        _start = place.Start;
        Count = place.Count;
        _parent = parent;
    }

    /// <summary>Number of elements.</summary>
    public int Count { get; }

    /// <summary>Element <paramref name="index"/>, read from the model.</summary>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside the list's {Count} elements");
            return Create(_model!, _parent, index, _model!.TableAt(_start + 4 * index));
        }
    }

    /// <summary>An enumerator over the elements (a struct, so <c>foreach</c> allocates nothing).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks a <see cref="ModelList{T}"/> in order.</summary>
    public struct Enumerator : IEnumerator<T>
    {
        private readonly ModelList<T> _list;
        private int _index;

        internal Enumerator(ModelList<T> list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>The element at the current position.</summary>
        public readonly T Current => _list[_index];

        readonly object? IEnumerator.Current => Current;

        /// <summary>Moves to the next element; false past the end.</summary>
        public bool MoveNext() => ++_index < _list.Count;

        /// <summary>Moves back before the first element.</summary>
        public void Reset() => _index = -1;

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose() { }
    }
}

/// <summary>Makes the view of one element: model, parent subgraph, index in the vector, and the table's byte position.</summary>
internal delegate T ElementView<T>(Model model, int parent, int index, int table);

/// <summary>The element view of each list type the model exposes.</summary>
internal static class ModelViews
{
    public static ElementView<T> For<T>()
    {
        Delegate? view = null;
        if (typeof(T) == typeof(Subgraph)) view = new ElementView<Subgraph>(static (m, _, i, at) => new Subgraph(m, i, at));
        if (typeof(T) == typeof(ModelTensor)) view = new ElementView<ModelTensor>(static (m, s, i, at) => new ModelTensor(m, s, i, at));
        if (typeof(T) == typeof(ModelOperator)) view = new ElementView<ModelOperator>(static (m, s, i, at) => new ModelOperator(m, s, i, at));
        if (typeof(T) == typeof(OperatorCode)) view = new ElementView<OperatorCode>(static (m, _, i, at) => new OperatorCode(m, i, at));
        if (typeof(T) == typeof(ModelMetadata)) view = new ElementView<ModelMetadata>(static (m, _, _, at) => new ModelMetadata(m, at));
        if (typeof(T) == typeof(SignatureDef)) view = new ElementView<SignatureDef>(static (m, _, _, at) => new SignatureDef(m, at));
        if (typeof(T) == typeof(ReadOnlyMemory<byte>)) view = new ElementView<ReadOnlyMemory<byte>>(static (m, _, _, at) => m.BufferData(m.Table(at)));
        if (typeof(T) == typeof(KeyValuePair<string, int>)) view = new ElementView<KeyValuePair<string, int>>(static (m, _, _, at) => SignatureDef.TensorMap(m.Table(at)));
        return view as ElementView<T> ?? throw new NotSupportedException($"the model has no list of {typeof(T).Name}");
    }
}
