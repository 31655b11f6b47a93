using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>
/// The resource variables of one interpreter (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE): each (container, shared name)
/// gets an id; ASSIGN_VARIABLE's Prepare fixes the variable's size, and its buffer then lives in the arena's persistent
/// region, so its value persists across Invoke. Reset (and AllocateTensors) fill it with zero, or the zero point of a
/// quantized value, as TFLM does.
/// </summary>
internal sealed class ResourceVariableStore
{
    private readonly List<(string Container, string Name)> _keys = [];
    private readonly List<int> _sizes = [];
    private readonly List<byte> _defaults = [];
    private readonly Dictionary<int, int> _handles = [];
    private int[] _offsets = [];

    public int Count => _keys.Count;

    /// <summary>The id of the variable named (<paramref name="container"/>, <paramref name="name"/>), created when new.</summary>
    public int FindOrCreate(string container, string name)
    {
        for (int i = 0; i < _keys.Count; i++)
            if (_keys[i].Container == container && _keys[i].Name == name) return i;
        _keys.Add((container, name));
        _sizes.Add(-1);
        _defaults.Add(0);
        return _keys.Count - 1;
    }

    /// <summary>Remembers that <paramref name="handle"/> (a VAR_HANDLE output) refers to variable <paramref name="id"/>.</summary>
    public void Bind(Tensor handle, int id) => _handles[handle.Id] = id;

    /// <summary>The variable a handle tensor refers to, when a VAR_HANDLE of the same subgraph produced it.</summary>
    public bool TryGetId(Tensor handle, out int id) => _handles.TryGetValue(handle.Id, out id);

    /// <summary>Fixes the size of variable <paramref name="id"/> on first use; returns an error message when a later use disagrees.</summary>
    public string? Allocate(int id, int bytes, byte defaultValue)
    {
        if ((uint)id >= (uint)_keys.Count) return $"resource variable {id} does not exist";
        if (_sizes[id] < 0)
        {
            _sizes[id] = bytes;
            _defaults[id] = defaultValue;
            return null;
        }
        return _sizes[id] == bytes ? null
            : $"resource variable '{_keys[id].Name}' holds {_sizes[id]} bytes, but a value of {bytes} bytes is assigned to it";
    }

    /// <summary>Places every sized variable at <paramref name="cursor"/> onwards; returns the new cursor.</summary>
    internal long Place(long cursor)
    {
        _offsets = new int[_keys.Count];
        for (int i = 0; i < _keys.Count; i++)
        {
            if (_sizes[i] < 0) { _offsets[i] = -1; continue; }
            if (cursor > int.MaxValue) throw new ArenaTooSmallException(cursor, int.MaxValue);
            _offsets[i] = (int)cursor;
            cursor += GreedyMemoryPlanner.AlignUp(_sizes[i]);
        }
        return cursor;
    }

    /// <summary>The placed variables, as entries of the memory plan report.</summary>
    internal void Describe(List<MemoryPlanEntry> plan, int lastStep)
    {
        for (int i = 0; i < _offsets.Length; i++)
            if (_offsets[i] >= 0) plan.Add(new MemoryPlanEntry("resource", 0, i, _keys[i].Name, _sizes[i], 0, lastStep, _offsets[i]));
    }

    /// <summary>The bytes of variable <paramref name="id"/>, or an empty span with <paramref name="exists"/> false.</summary>
    internal Span<byte> Buffer(Span<byte> arena, int id, out bool exists)
    {
        exists = (uint)id < (uint)_offsets.Length && _offsets[id] >= 0;
        return exists ? arena.Slice(_offsets[id], _sizes[id]) : default;
    }

    internal void Reset(Span<byte> arena)
    {
        for (int i = 0; i < _offsets.Length; i++)
            if (_offsets[i] >= 0) arena.Slice(_offsets[i], _sizes[i]).Fill(_defaults[i]);
    }
}
