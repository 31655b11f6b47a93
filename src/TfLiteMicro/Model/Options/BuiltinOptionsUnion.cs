namespace TfLiteMicro;

/// <summary>
/// Picks an operator's options table for the view a kernel reads, after checking the operator's union tag: the
/// tag must name the view's table, or be NONE (no options: every field reads as its default, as in TFLM).
/// </summary>
internal static class BuiltinOptionsUnion
{
    /// <summary>
    /// The operator's BuiltinOptions table when its tag is <paramref name="expected"/>, an absent table when it has
    /// none; otherwise an <see cref="InvalidModelException"/> that starts with <paramref name="where"/> (the operator)
    /// and names both tables.
    /// </summary>
    public static FlatTable Select(ModelOperator op, BuiltinOptionsTable expected, string where)
    {
        var found = (BuiltinOptionsTable)op.BuiltinOptionsType;
        if (found == expected) return op.BuiltinOptions;
        if (found == BuiltinOptionsTable.None) return default;
        throw new InvalidModelException(
            $"{where}: the builtin options are {Describe(found)}, but {op.Code.Name} reads {Describe(expected)}");
    }

    private static string Describe(BuiltinOptionsTable table) =>
        BuiltinOptionsTables.GetName(table) is string name
            ? $"{name} (union type {(byte)table})"
            : $"union type {(byte)table}, which the schema does not define";
}
