using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>
/// Maps the model's operator codes to kernels. Register only the ops a model uses, one method per op as TFLM's
/// <c>MicroMutableOpResolver</c> does (<c>new OpResolver().AddConv2D().AddSoftmax()</c>; <c>tflm resolver</c> prints
/// the calls for a model): a trimmed or NativeAOT program then contains those kernels and no others.
/// <see cref="WithAllBuiltins"/> and <see cref="Add(BuiltinOperator)"/> choose the kernel at run time, so a program
/// that calls either of them keeps every kernel this library has.
/// </summary>
/// <remarks>
/// The per-op methods live beside each kernel family (Kernels/*/*Kernels.cs); each names only its own kernel class,
/// which is what lets the trimmer drop the rest. <c>OpResolver.Builtins.g.cs</c> maps an op code to its method and is
/// generated from those methods by a test.
/// </remarks>
public sealed partial class OpResolver
{
    // Keyed by the op's number: a dictionary keyed by the enum would make the enum reflectable, and so keep enum
    // formatting in every trimmed program.
    private readonly Dictionary<int, Func<IKernel>> _builtins = [];
    private readonly Dictionary<string, Func<IKernel>> _custom = new(StringComparer.Ordinal);

    /// <summary>The custom op name <see cref="AddCircularBuffer"/> registers, as TFLM's models use it.</summary>
    public const string CircularBufferName = CircularBuffer.OperatorName;

    /// <summary>The custom op name <see cref="AddDetectionPostProcess"/> registers, as TFLM's models use it.</summary>
    public const string DetectionPostProcessName = DetectionPostProcess.OperatorName;

    /// <summary>The custom op name <see cref="AddDecode"/> registers: TFLM's decoder of compressed constants.</summary>
    public const string DecodeName = Decode.OperatorName;

    /// <summary>
    /// A resolver with every builtin kernel this library has (not the custom ops CIRCULAR_BUFFER and
    /// TFLite_Detection_PostProcess). A program that calls this keeps every kernel when trimmed.
    /// </summary>
    public static OpResolver WithAllBuiltins()
    {
        var resolver = new OpResolver();
        foreach (BuiltinOperator op in LibraryKernelOps)
            resolver.TryAddLibraryKernel(op);
        return resolver;
    }

    /// <summary>
    /// Registers this library's kernel for <paramref name="op"/>, chosen at run time: a program that calls this keeps
    /// every kernel when trimmed. Prefer the op's own method (<c>AddConv2D()</c>, ...) when the op is known.
    /// </summary>
    /// <exception cref="NotSupportedException">This library has no kernel for <paramref name="op"/>.</exception>
    public OpResolver Add(BuiltinOperator op)
    {
        if (!TryAddLibraryKernel(op))
            throw new NotSupportedException($"this library has no kernel for {BuiltinOperatorNames.GetName(op)}");
        return this;
    }

    /// <summary>Registers (or replaces) the kernel for a builtin op with your own.</summary>
    public OpResolver Add(BuiltinOperator op, Func<IKernel> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _builtins[(int)op] = factory;
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

    /// <summary>The builtin ops registered so far.</summary>
    public IEnumerable<BuiltinOperator> RegisteredBuiltins
    {
        get
        {
            foreach (int op in _builtins.Keys) yield return (BuiltinOperator)op;
        }
    }

    /// <summary>The custom op names registered so far.</summary>
    public IEnumerable<string> RegisteredCustomOps => _custom.Keys;

    /// <summary>Whether a kernel is registered for <paramref name="code"/>.</summary>
    public bool Supports(OperatorCode code) => TryGetFactory(code, out _);

    /// <summary>Whether this library has a kernel for <paramref name="op"/>, registered or not.</summary>
    internal static bool HasLibraryKernel(BuiltinOperator op)
    {
        foreach (BuiltinOperator known in LibraryKernelOps)
            if (known == op) return true;
        return false;
    }

    /// <summary>The name of the method registering this library's kernel for <paramref name="op"/>.</summary>
    internal static string RegistrationMethod(BuiltinOperator op) => "Add" + BuiltinOperatorNames.GetMemberName(op);

    private static string CSharpName(BuiltinOperator op)
        => BuiltinOperatorNames.GetMemberName(op) is string member ? "BuiltinOperator." + member : $"(BuiltinOperator){(int)op}";

    internal bool TryGetFactory(OperatorCode code, out Func<IKernel> factory)
        => code.IsCustom ? TryGetFactory(code.CustomCode ?? "", out factory) : TryGetFactory(code.BuiltinCode, out factory);

    internal bool TryGetFactory(BuiltinOperator op, out Func<IKernel> factory) => _builtins.TryGetValue((int)op, out factory!);

    internal bool TryGetFactory(string customName, out Func<IKernel> factory) => _custom.TryGetValue(customName, out factory!);

    internal UnsupportedOperatorException Missing(OperatorCode code, string where)
    {
        if (code.IsCustom)
            return new UnsupportedOperatorException(
                $"{where}: custom operator '{code.CustomCode}' (version {code.Version}) is not registered; " +
                $"register a kernel with resolver.AddCustom(\"{code.CustomCode}\", () => new YourKernel())", code);
        string name = BuiltinOperatorNames.GetName(code.BuiltinCode);
        string how = HasLibraryKernel(code.BuiltinCode)
            ? $"register it with resolver.{RegistrationMethod(code.BuiltinCode)}() or use OpResolver.WithAllBuiltins()"
            : $"this library has no kernel for it; register your own with resolver.Add({CSharpName(code.BuiltinCode)}, () => new YourKernel())";
        return new UnsupportedOperatorException($"{where}: operator {name} (version {code.Version}) is not registered; {how}", code);
    }
}
