using TfLiteMicro.Kernels;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Cli;

/// <summary>
/// The kernels this build of the tool can run. Kernel libraries beyond the core builtins (custom-op packages)
/// are listed in <see cref="Extensions"/>: that list is the one place to add one, and every command
/// (info's supported/missing report, run, bench, plan, resolver's generated code) picks it up.
/// </summary>
internal static class KernelSets
{
    /// <summary>A library of extra kernels: how to register them, and the C# a user writes to do the same.</summary>
    internal sealed record Extension(string Name, Action<OpResolver> Register, Func<string, string?> RegistrationCode);

    /// <summary>Extra kernel libraries linked into the tool.</summary>
    internal static readonly IReadOnlyList<Extension> Extensions =
    [
        new("TfLiteMicro (DECODE)", static r => r.AddDecode(), static name => name == Decode.OperatorName ? ".AddDecode()" : null),
        new("TfLiteMicro.Signal", static r => r.AddSignalOps(), SignalRegistration),
    ];

    /// <summary>The signal library names each kernel class after its op, in namespace TfLiteMicro.Signal.</summary>
    private static string? SignalRegistration(string name)
    {
        Type? kernel = typeof(SignalOps).Assembly.GetType("TfLiteMicro.Signal." + name, throwOnError: false);
        if (kernel is null || !typeof(IKernel).IsAssignableFrom(kernel) || !SignalOpNames.Contains(name)) return null;
        return $".AddCustom(\"{name}\", () => new {kernel.FullName}())";
    }

    private static readonly HashSet<string> SignalOpNames = new(new OpResolver().AddSignalOps().RegisteredCustomOps, StringComparer.Ordinal);

    /// <summary>A resolver with every kernel the tool knows: all builtins plus every extension.</summary>
    public static OpResolver CreateFullResolver()
    {
        OpResolver resolver = OpResolver.WithAllBuiltins();
        foreach (Extension extension in Extensions)
            extension.Register(resolver);
        return resolver;
    }

    /// <summary>The C# registration of custom op <paramref name="name"/> from an extension, or null when none provides it.</summary>
    public static string? CustomRegistrationCode(string name)
    {
        foreach (Extension extension in Extensions)
        {
            string? code = extension.RegistrationCode(name);
            if (code is not null) return code;
        }
        return null;
    }
}
