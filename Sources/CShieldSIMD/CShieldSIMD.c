// CShieldSIMD is header-only (static inline functions Swift inlines); SwiftPM wants a source.
#include "CShieldSIMD.h"
