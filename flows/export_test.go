package flows

// NamesRetiredModels exposes the model scan to the external tests.
var NamesRetiredModels = namesRetiredModels
