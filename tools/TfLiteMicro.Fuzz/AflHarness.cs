using SharpFuzz;

namespace TfLiteMicro.Fuzz;

/// <summary>
/// The afl++ target: each input is a model run with both kernel sets (<see cref="Differential"/>); any outcome
/// but "equal" or "rejected by both with the same exception" is thrown, which afl++ records as a crash.
/// TfLiteMicro.dll must be instrumented with the SharpFuzz tool first (scripts/fuzz-afl.sh does it).
/// </summary>
internal static class AflHarness
{
    public static int Run(string[] args)
    {
        Differential.RunTimeLimit = TimeSpan.FromSeconds(2);
        // Instrumented code may run only inside Fuzzer.Run (it writes afl's coverage map), so the runner, which
        // builds a resolver, is created on the first input.
        Differential? differential = null;
        var buffer = new MemoryStream();
        Fuzzer.Run(stream =>
        {
            differential ??= new Differential(4 << 20);
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            Outcome outcome = differential.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (outcome.IsFailure) throw new FindingException($"{outcome.Kind}: {outcome.Detail}");
        });
        differential?.Dispose();
        return 0;
    }

    private sealed class FindingException(string message) : Exception(message);
}
