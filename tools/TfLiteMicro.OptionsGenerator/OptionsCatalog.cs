namespace TfLiteMicro.OptionsGenerator;

/// <summary>Which options tables get code, and how schema types map to the runtime's C# types.</summary>
public static class OptionsCatalog
{
    /// <summary>The BuiltinOptions tables the runtime's kernels read: each gets a view in the core.</summary>
    public static readonly string[] ViewedTables =
    [
        "AddOptions",
        "BatchMatMulOptions",
        "CallOnceOptions",
        "ConcatenationOptions",
        "Conv2DOptions",
        "CumsumOptions",
        "DepthToSpaceOptions",
        "DepthwiseConv2DOptions",
        "DivOptions",
        "FullyConnectedOptions",
        "GatherOptions",
        "IfOptions",
        "L2NormOptions",
        "LeakyReluOptions",
        "MirrorPadOptions",
        "MulOptions",
        "PackOptions",
        "Pool2DOptions",
        "ReducerOptions",
        "ResizeBilinearOptions",
        "ResizeNearestNeighborOptions",
        "SVDFOptions",
        "SoftmaxOptions",
        "SpaceToDepthOptions",
        "SplitOptions",
        "SqueezeOptions",
        "StridedSliceOptions",
        "SubOptions",
        "TransposeConvOptions",
        "UnidirectionalSequenceLSTMOptions",
        "UnpackOptions",
        "VarHandleOptions",
        "WhileOptions",
    ];

    /// <summary>Tables the model writer (src/TfLiteMicro.Modeling) writes without a kernel reading them.</summary>
    public static readonly string[] WriterOnlyTables = ["AssignVariableOptions", "ReadVariableOptions", "ReshapeOptions", "SplitVOptions"];

    /// <summary>Schema enums the runtime already declares (public types), by schema name.</summary>
    public static readonly IReadOnlyDictionary<string, string> ExistingEnums = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ActivationFunctionType"] = "FusedActivation",
        ["Padding"] = "PaddingKind",
        ["TensorType"] = "TensorType",
    };

    /// <summary>Scalar schema types: C# type and the FlatTable getter.</summary>
    public static readonly IReadOnlyDictionary<string, (string CSharp, string Getter)> Scalars =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["bool"] = ("bool", "GetBool"),
            ["byte"] = ("sbyte", "GetSByte"),
            ["int8"] = ("sbyte", "GetSByte"),
            ["ubyte"] = ("byte", "GetByte"),
            ["uint8"] = ("byte", "GetByte"),
            ["short"] = ("short", "GetInt16"),
            ["int16"] = ("short", "GetInt16"),
            ["ushort"] = ("ushort", "GetUInt16"),
            ["uint16"] = ("ushort", "GetUInt16"),
            ["int"] = ("int", "GetInt32"),
            ["int32"] = ("int", "GetInt32"),
            ["uint"] = ("uint", "GetUInt32"),
            ["uint32"] = ("uint", "GetUInt32"),
            ["long"] = ("long", "GetInt64"),
            ["int64"] = ("long", "GetInt64"),
            ["ulong"] = ("ulong", "GetUInt64"),
            ["uint64"] = ("ulong", "GetUInt64"),
            ["float"] = ("float", "GetFloat"),
            ["float32"] = ("float", "GetFloat"),
        };

    /// <summary>Vector element types: C# array type and the FlatTable getter that copies the vector.</summary>
    public static readonly IReadOnlyDictionary<string, (string CSharp, string Getter)> Vectors =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["int"] = ("int[]", "GetInt32Array"),
            ["int32"] = ("int[]", "GetInt32Array"),
            ["long"] = ("long[]", "GetInt64Array"),
            ["int64"] = ("long[]", "GetInt64Array"),
            ["float"] = ("float[]", "GetFloatArray"),
            ["bool"] = ("bool[]", "GetBoolArray"),
        };

    /// <summary>snake_case or SCREAMING_CASE to PascalCase: stride_w to StrideW, RELU_N1_TO_1 to ReluN1To1.</summary>
    public static string Pascal(string name)
    {
        var result = new System.Text.StringBuilder(name.Length);
        foreach (string part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
            result.Append(char.ToUpperInvariant(part[0])).Append(part[1..].ToLowerInvariant());
        return result.ToString();
    }

    /// <summary>
    /// The same name for a C# member compared with a schema name: case and underscores ignored
    /// (FusedActivation.ReluN1To1 is RELU_N1_TO_1, TensorType.Float8E4M3FN is FLOAT8_E4M3FN).
    /// </summary>
    public static bool SameName(string csharp, string schema) =>
        string.Equals(csharp.Replace("_", "", StringComparison.Ordinal), schema.Replace("_", "", StringComparison.Ordinal),
            StringComparison.OrdinalIgnoreCase);
}
