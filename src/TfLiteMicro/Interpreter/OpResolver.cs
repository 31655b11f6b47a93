using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>
/// Maps the model's operator codes to kernels. Register only the ops a model uses (what <c>tflm resolver</c>
/// prints), or all of them with <see cref="WithAllBuiltins"/>.
/// </summary>
public sealed class OpResolver
{
    private readonly Dictionary<BuiltinOperator, Func<IKernel>> _builtins = [];
    private readonly Dictionary<string, Func<IKernel>> _custom = new(StringComparer.Ordinal);

    /// <summary>A resolver with every builtin kernel this library has.</summary>
    public static OpResolver WithAllBuiltins()
    {
        var resolver = new OpResolver();
        foreach (KeyValuePair<BuiltinOperator, Func<IKernel>> entry in BuiltinKernels.All)
            resolver._builtins[entry.Key] = entry.Value;
        return resolver;
    }

    /// <summary>Registers this library's kernel for <paramref name="op"/>.</summary>
    public OpResolver Add(BuiltinOperator op)
    {
        if (!BuiltinKernels.All.TryGetValue(op, out Func<IKernel>? factory))
            throw new NotSupportedException($"this library has no kernel for {BuiltinOperatorNames.GetName(op)}");
        _builtins[op] = factory;
        return this;
    }

    /// <summary>Registers (or replaces) the kernel for a builtin op with your own.</summary>
    public OpResolver Add(BuiltinOperator op, Func<IKernel> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _builtins[op] = factory;
        return this;
    }

    /// <summary>Registers a custom op under the name the model's operator code uses.</summary>
    public OpResolver AddCustom(string name, Func<IKernel> factory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(factory);
        _custom[name] = factory;
        return this;
    }

    public IEnumerable<BuiltinOperator> RegisteredBuiltins => _builtins.Keys;
    public IEnumerable<string> RegisteredCustomOps => _custom.Keys;

    /// <summary>Whether a kernel is registered for <paramref name="code"/>.</summary>
    public bool Supports(OperatorCode code) => TryGetFactory(code, out _);

    internal bool TryGetFactory(OperatorCode code, out Func<IKernel> factory)
    {
        if (code.IsCustom)
            return _custom.TryGetValue(code.CustomCode ?? "", out factory!);
        return _builtins.TryGetValue(code.BuiltinCode, out factory!);
    }

    internal UnsupportedOperatorException Missing(OperatorCode code, string where)
    {
        if (code.IsCustom)
            return new UnsupportedOperatorException(
                $"{where}: custom operator '{code.CustomCode}' (version {code.Version}) is not registered; " +
                $"register a kernel with resolver.AddCustom(\"{code.CustomCode}\", () => new YourKernel())", code);
        string name = BuiltinOperatorNames.GetName(code.BuiltinCode);
        string how = BuiltinKernels.All.ContainsKey(code.BuiltinCode)
            ? $"register it with resolver.Add(BuiltinOperator.{code.BuiltinCode}) or use OpResolver.WithAllBuiltins()"
            : $"this library has no kernel for it; register your own with resolver.Add(BuiltinOperator.{code.BuiltinCode}, () => new YourKernel())";
        return new UnsupportedOperatorException($"{where}: operator {name} (version {code.Version}) is not registered; {how}", code);
    }
}
