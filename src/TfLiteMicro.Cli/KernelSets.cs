using TfLiteMicro.Signal;

namespace TfLiteMicro.Cli;

/// <summary>
/// The kernels this build of the tool can run. Kernel libraries beyond the core builtins (custom-op packages)
/// are listed in <see cref="Extensions"/>: that list is the one place to add one, and every command
/// (info's supported/missing report, run, bench, plan, resolver's generated code) picks it up.
/// </summary>
internal static class KernelSets
{
    /// <summary>
    /// A library of custom-op kernels: how to register them, the ops it has, and the namespace of its registration
    /// methods (null: the core's own). Each op <c>X</c> is registered by the method <c>AddX()</c>, except where
    /// <see cref="MethodOf"/> says otherwise.
    /// </summary>
    internal sealed record Extension(string Name, string? Namespace, Action<OpResolver> Register, Func<string, string>? MethodOf = null)
    {
        public IReadOnlySet<string> Ops { get; } = OpsOf(Register);

        public string Method(string op) => MethodOf?.Invoke(op) ?? "Add" + op;

        private static HashSet<string> OpsOf(Action<OpResolver> register)
        {
            var resolver = new OpResolver();
            register(resolver);
            return new HashSet<string>(resolver.RegisteredCustomOps, StringComparer.Ordinal);
        }
    }

    /// <summary>Custom-op kernels linked into the tool.</summary>
    internal static readonly IReadOnlyList<Extension> Extensions =
    [
        new("TfLiteMicro", null, static r => r.AddCircularBuffer().AddDetectionPostProcess().AddDecode(),
            static op => op switch
            {
                OpResolver.CircularBufferName => nameof(OpResolver.AddCircularBuffer),
                OpResolver.DecodeName => nameof(OpResolver.AddDecode),
                _ => nameof(OpResolver.AddDetectionPostProcess),
            }),
        new("TfLiteMicro.Signal", "TfLiteMicro.Signal", static r => r.AddSignalOps()),
    ];

    /// <summary>A resolver with every kernel the tool knows: all builtins plus every extension.</summary>
    public static OpResolver CreateFullResolver()
    {
        OpResolver resolver = OpResolver.WithAllBuiltins();
        foreach (Extension extension in Extensions)
            extension.Register(resolver);
        return resolver;
    }

    /// <summary>The extension that has custom op <paramref name="name"/>, or null when none does.</summary>
    public static Extension? Providing(string name) => Extensions.FirstOrDefault(e => e.Ops.Contains(name));
}
