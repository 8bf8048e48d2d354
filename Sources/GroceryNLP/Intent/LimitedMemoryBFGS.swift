/// Limited-memory BFGS (Nocedal and Wright, *Numerical Optimization*, algorithm 7.4) with a
/// backtracking line search: a deterministic minimiser for a smooth convex loss such as
/// ``TrainingObjective``. It stops after `iterations` steps, or earlier when a step
/// changes the loss by less than a relative `tolerance`.
struct LimitedMemoryBFGS: Sendable {
    /// At most this many steps.
    var iterations: Int
    /// How many recent steps approximate the curvature.
    var memory = 10
    /// Stop when a step lowers the loss by less than this share of it.
    var tolerance = 1e-9

    /// Moves `x` to a minimum of `loss`, which returns the loss at its first argument and
    /// writes the gradient into its second.
    func minimize(_ x: inout [Double], _ loss: ([Double], inout [Double]) -> Double) {
        var gradient: [Double] = []
        var value = loss(x, &gradient)
        var steps: [(s: [Double], y: [Double], rho: Double)] = []
        for _ in 0..<iterations {
            // The two-loop recursion: direction = -H · gradient, H built from the recent steps.
            var direction = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for index in steps.indices.reversed() {
                alphas[index] = steps[index].rho * Self.dot(steps[index].s, direction)
                Self.add(-alphas[index], steps[index].y, to: &direction)
            }
            let scale = steps.last.map { Self.dot($0.s, $0.y) / Self.dot($0.y, $0.y) } ?? 1 / max(Self.dot(gradient, gradient).squareRoot(), 1e-12)
            Self.scale(&direction, by: -scale)
            for index in steps.indices {
                let beta = steps[index].rho * Self.dot(steps[index].y, direction)
                Self.add(-alphas[index] - beta, steps[index].s, to: &direction)
            }
            let slope = Self.dot(gradient, direction)
            guard slope < 0 else { return }

            // Backtrack until the loss falls by a fair share of what the slope promises.
            var step = 1.0
            var next = x
            var nextGradient: [Double] = []
            var nextValue = value
            for _ in 0..<40 {
                next = x
                Self.add(step, direction, to: &next)
                nextValue = loss(next, &nextGradient)
                if nextValue <= value + 1e-4 * step * slope { break }
                step /= 2
            }
            guard nextValue < value else { return }

            var s = next
            Self.add(-1, x, to: &s)
            var y = nextGradient
            Self.add(-1, gradient, to: &y)
            let sy = Self.dot(s, y)
            if sy > 1e-12 {
                steps.append((s, y, 1 / sy))
                if steps.count > memory { steps.removeFirst() }
            }
            let fell = value - nextValue
            (x, gradient, value) = (next, nextGradient, nextValue)
            if fell <= tolerance * max(abs(value), 1) { return }
        }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var sum = 0.0
                for index in 0..<a.count { sum += a[index] * b[index] }
                return sum
            }
        }
    }

    /// `y += factor * x`.
    private static func add(_ factor: Double, _ x: [Double], to y: inout [Double]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for index in 0..<x.count { y[index] += factor * x[index] }
            }
        }
    }

    private static func scale(_ x: inout [Double], by factor: Double) {
        x.withUnsafeMutableBufferPointer { x in
            for index in 0..<x.count { x[index] *= factor }
        }
    }
}
