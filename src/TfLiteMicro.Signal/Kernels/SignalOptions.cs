namespace TfLiteMicro.Signal;

/// <summary>Reads a signal op's FlexBuffer options map, naming the node in every error.</summary>
internal readonly struct SignalOptions
{
    private readonly PrepareContext _context;
    private readonly FlexBufferMap _map;

    private SignalOptions(PrepareContext context, FlexBufferMap map)
    {
        _context = context;
        _map = map;
    }

    public static SignalOptions Read(PrepareContext context)
    {
        if (context.CustomOptions.IsEmpty)
            throw context.Error("has no custom options; the signal ops keep their parameters in a FlexBuffer map");
        try
        {
            return new SignalOptions(context, FlexBuffer.GetRoot(context.CustomOptions).AsMap());
        }
        catch (InvalidModelException e)
        {
            throw Wrap(context, e);
        }
    }

    private static InvalidModelException Wrap(PrepareContext context, InvalidModelException e)
        => new(context.Error("custom options: " + e.Message).Message, e);

    public int Int(string key)
    {
        try
        {
            return _map[key].AsInt32();
        }
        catch (InvalidModelException e)
        {
            throw Wrap(_context, e);
        }
    }

    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(string key, int min, int max)
    {
        int value = Int(key);
        if (value < min || value > max)
            throw _context.Error($"option {key} = {value} is out of range [{min}, {max}]");
        return value;
    }

    public bool Bool(string key)
    {
        try
        {
            return _map[key].AsBool();
        }
        catch (InvalidModelException e)
        {
            throw Wrap(_context, e);
        }
    }

    /// <summary>The tensor type named by option "T" (TFLite's TensorType numbering).</summary>
    public TensorType Type() => (TensorType)Int("T");
}
