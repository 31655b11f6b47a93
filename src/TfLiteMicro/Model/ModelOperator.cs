namespace TfLiteMicro;

/// <summary>One node of a subgraph: its operator code, tensor indices and options.</summary>
public sealed class ModelOperator
{
    internal ModelOperator(int index, OperatorCode code, int[] inputs, int[] outputs, int[] intermediates,
        byte builtinOptionsType, FlatTable builtinOptions, byte builtinOptions2Type, FlatTable builtinOptions2,
        ReadOnlyMemory<byte> customOptions, bool[] mutatingVariableInputs)
    {
        Index = index;
        Code = code;
        Inputs = inputs;
        Outputs = outputs;
        Intermediates = intermediates;
        BuiltinOptionsType = builtinOptionsType;
        BuiltinOptions = builtinOptions;
        BuiltinOptions2Type = builtinOptions2Type;
        BuiltinOptions2 = builtinOptions2;
        CustomOptions = customOptions;
        MutatingVariableInputs = mutatingVariableInputs;
    }

    public int Index { get; }
    public OperatorCode Code { get; }

    /// <summary>Tensor indices of the inputs; -1 marks an omitted optional input.</summary>
    public IReadOnlyList<int> Inputs { get; }

    public IReadOnlyList<int> Outputs { get; }
    public IReadOnlyList<int> Intermediates { get; }

    /// <summary>The schema's BuiltinOptions union tag (0 = none).</summary>
    public byte BuiltinOptionsType { get; }

    /// <summary>The builtin options table; fields are read by their index in the schema's options table.</summary>
    public FlatTable BuiltinOptions { get; }

    public byte BuiltinOptions2Type { get; }
    public FlatTable BuiltinOptions2 { get; }

    /// <summary>Custom options bytes (FlexBuffers for most custom ops), a slice of the model.</summary>
    public ReadOnlyMemory<byte> CustomOptions { get; }

    public IReadOnlyList<bool> MutatingVariableInputs { get; }

    public override string ToString() => $"operator {Index} ({Code})";
}
