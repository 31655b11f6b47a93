// Nothing to run: the project exists for its publish (see the project file), which compiles the libraries whole.
Console.WriteLine("TfLiteMicro, TfLiteMicro.Signal and TfLiteMicro.Modeling compiled by NativeAOT without warnings.");
