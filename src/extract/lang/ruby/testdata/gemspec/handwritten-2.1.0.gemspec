# A gemspec in the hand-written style some gems install as-is.
Gem::Specification.new do |spec|
  spec.name          = %q{handwritten}
  spec.version       = Gem::Version.new('2.1.0')
  spec.license       = 'Apache-2.0'
  spec.licenses      = %w[MIT BSD-2-Clause]
  other.name         = "not-this-one"
  spec.summary       = "name = 'decoy'"
end
