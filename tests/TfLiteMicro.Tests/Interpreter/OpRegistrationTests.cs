using System.Reflection;
using System.Text;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>
/// The per-op registration methods (<c>AddConv2D()</c>, ...) against the kernels this library has: every kernel class
/// has exactly one method, every method registers exactly its op under the name <c>Add</c> + the op, and
/// <c>OpResolver.Builtins.g.cs</c> (the op-code to method map behind <c>Add(BuiltinOperator)</c> and
/// <c>WithAllBuiltins()</c>) is what those methods give. After adding a kernel and its method, regenerate the map:
/// <c>TFLM_REGENERATE=1 dotnet test tests/TfLiteMicro.Tests --filter OpRegistration</c>.
/// </summary>
public class OpRegistrationTests
{
    private const string GeneratedFile = "src/TfLiteMicro/Interpreter/OpResolver.Builtins.g.cs";

    /// <summary>Each public parameterless Add method, with what it registers on an empty resolver.</summary>
    private static List<(MethodInfo Method, OpResolver Registered)> RegistrationMethods()
        => typeof(OpResolver).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.GetParameters().Length == 0)
            .Select(m => (m, (OpResolver)m.Invoke(new OpResolver(), null)!))
            .ToList();

    private static List<(BuiltinOperator Op, string Method)> BuiltinMethods()
        => RegistrationMethods()
            .Where(r => r.Registered.RegisteredBuiltins.Any())
            .Select(r => (r.Registered.RegisteredBuiltins.Single(), r.Method.Name))
            .OrderBy(r => r.Item1.ToString(), StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void EachMethodRegistersOneOpNamedAfterIt()
    {
        foreach ((MethodInfo method, OpResolver registered) in RegistrationMethods())
        {
            Assert.Equal(typeof(OpResolver), method.ReturnType);
            int count = registered.RegisteredBuiltins.Count() + registered.RegisteredCustomOps.Count();
            Assert.True(count == 1, $"{method.Name} registers {count} ops");
            if (registered.RegisteredBuiltins.Any())
                Assert.Equal(OpResolver.RegistrationMethod(registered.RegisteredBuiltins.Single()), method.Name);
        }
    }

    [Fact]
    public void EveryKernelClassHasExactlyOneMethod()
    {
        var created = new Dictionary<Type, string>();
        foreach ((MethodInfo method, OpResolver registered) in RegistrationMethods())
        {
            Func<IKernel> factory;
            Assert.True(registered.RegisteredBuiltins.Any()
                ? registered.TryGetFactory(registered.RegisteredBuiltins.Single(), out factory)
                : registered.TryGetFactory(registered.RegisteredCustomOps.Single(), out factory));
            Type kernel = factory().GetType();
            Assert.False(created.TryGetValue(kernel, out string? other), $"{kernel.Name} is registered by {other} and {method.Name}");
            created[kernel] = method.Name;
        }
        List<string> kernels = typeof(OpResolver).Assembly.GetTypes()
            .Where(t => typeof(IKernel).IsAssignableFrom(t) && t.IsClass && !t.IsAbstract)
            .Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(kernels, created.Keys.Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void AllBuiltinsAndAddByCodeUseTheSameMethods()
    {
        List<(BuiltinOperator Op, string Method)> methods = BuiltinMethods();
        Assert.Equal(methods.Select(m => m.Op).Order(), OpResolver.WithAllBuiltins().RegisteredBuiltins.Order());
        foreach ((BuiltinOperator op, _) in methods)
        {
            Assert.True(OpResolver.HasLibraryKernel(op));
            Assert.Equal([op], new OpResolver().Add(op).RegisteredBuiltins);
        }
        BuiltinOperator without = Enum.GetValues<BuiltinOperator>().First(op => op != BuiltinOperator.Custom && !methods.Any(m => m.Op == op));
        Assert.False(OpResolver.HasLibraryKernel(without));
        Assert.Throws<NotSupportedException>(() => new OpResolver().Add(without));
    }

    [Fact]
    public void MemberNamesAreSpelledFromSchemaNames()
    {
        foreach (BuiltinOperator op in Enum.GetValues<BuiltinOperator>())
            Assert.Equal(op.ToString(), BuiltinOperatorNames.GetMemberName(op));
        Assert.Null(BuiltinOperatorNames.GetMemberName((BuiltinOperator)9999));
    }

    [Fact]
    public void GeneratedMapIsCurrent()
    {
        string path = Path.Combine(RepositoryRoot(), GeneratedFile);
        string expected = Generate(BuiltinMethods());
        string actual = File.Exists(path) ? File.ReadAllText(path) : "";
        if (actual == expected) return;
        if (Environment.GetEnvironmentVariable("TFLM_REGENERATE") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.Fail($"{GeneratedFile} does not match the Add methods; regenerate it: " +
                    "TFLM_REGENERATE=1 dotnet test tests/TfLiteMicro.Tests --filter OpRegistration");
    }

    private static string Generate(List<(BuiltinOperator Op, string Method)> methods)
    {
        var sb = new StringBuilder();
        sb.Append("""
            // <auto-generated>
            // Written by tests/TfLiteMicro.Tests/Interpreter/OpRegistrationTests.cs from the per-op Add methods; to
            // regenerate: TFLM_REGENERATE=1 dotnet test tests/TfLiteMicro.Tests --filter OpRegistration
            // </auto-generated>
            namespace TfLiteMicro;

            public sealed partial class OpResolver
            {
                /// <summary>The builtin ops this library has a kernel for (constant data: an array of the enum would keep enum reflection).</summary>
                private static ReadOnlySpan<BuiltinOperator> LibraryKernelOps =>
                [

            """);
        foreach ((BuiltinOperator op, _) in methods)
            sb.Append("        BuiltinOperator.").Append(op).Append(",\n");
        sb.Append("""
                ];

                /// <summary>Calls the registration method of <paramref name="op"/>; false when this library has no kernel for it.</summary>
                private bool TryAddLibraryKernel(BuiltinOperator op)
                {
                    switch (op)
                    {

            """);
        foreach ((BuiltinOperator op, string method) in methods)
            sb.Append("            case BuiltinOperator.").Append(op).Append(": ").Append(method).Append("(); return true;\n");
        sb.Append("""
                        default: return false;
                    }
                }
            }

            """);
        return sb.ToString().ReplaceLineEndings("\n");
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (TfLiteMicro.sln) was not found above the test binaries");
    }
}
