using System.Reflection;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal.Tests;

/// <summary>
/// The signal library's registration methods: one per kernel class, each named Add + the op (the class's name) and
/// registering that op alone, and <see cref="SignalOps.AddSignalOps"/> registering all of them.
/// </summary>
public class SignalOpsRegistrationTests
{
    [Fact]
    public void EachKernelHasOneMethodAndAllOpsRegistersThemAll()
    {
        var perOp = new SortedSet<string>(StringComparer.Ordinal);
        foreach (MethodInfo method in typeof(SignalOps).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.Name == nameof(SignalOps.AddSignalOps)) continue;
            var registered = (OpResolver)method.Invoke(null, [new OpResolver()])!;
            Assert.Empty(registered.RegisteredBuiltins);
            string op = Assert.Single(registered.RegisteredCustomOps);
            Assert.Equal("Add" + op, method.Name);
            perOp.Add(op);
        }

        var kernels = new SortedSet<string>(
            typeof(SignalOps).Assembly.GetTypes().Where(t => typeof(IKernel).IsAssignableFrom(t) && t.IsClass && !t.IsAbstract).Select(t => t.Name),
            StringComparer.Ordinal);
        Assert.Equal(kernels, perOp);
        Assert.Equal(perOp, new SortedSet<string>(new OpResolver().AddSignalOps().RegisteredCustomOps, StringComparer.Ordinal));
        Assert.Throws<ArgumentNullException>(() => SignalOps.AddSignalWindow(null!));
    }
}
