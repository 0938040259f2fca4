// ITK's own N4 (itk::N4BiasFieldCorrectionImageFilter), driven the way SliceSAM's
// TypeScript N4 is: Otsu mask (200 bins) on the full image, image and mask shrunk
// with itk::ShrinkImageFilter, the fit, then the log field evaluated on the full
// grid from the final control-point lattice (as ITK's N4 example does) and divided
// out. A reference for `npm run validate:n4` and `npm run bench:n4`; not shipped.
//
//   n4 IN.nii[.gz] CORRECTED.nii.gz LOGFIELD.nii.gz [options]
//     --shrink 4 --iterations 50x50x50x50 --threshold 0.001 --bins 200
//     --fwhm 0.15 --wiener 0.01 --control-points 4 --threads N (default: ITK's)
// Prints one JSON line on stdout: timings (s) and iterations per level.
#include "itkBSplineControlPointImageFilter.h"
#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkMultiThreaderBase.h"
#include "itkN4BiasFieldCorrectionImageFilter.h"
#include "itkOtsuThresholdImageFilter.h"
#include "itkShrinkImageFilter.h"
#include "itkCommand.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
#include <cmath>

using ImageType = itk::Image<float, 3>;
using MaskType = itk::Image<unsigned char, 3>;
using N4Type = itk::N4BiasFieldCorrectionImageFilter<ImageType, MaskType, ImageType>;

namespace
{
double
seconds(std::chrono::steady_clock::time_point since)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Iterations run per level, read from the filter's IterationEvents.
class LevelCounter : public itk::Command
{
public:
  using Self = LevelCounter;
  using Superclass = itk::Command;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);
  std::vector<unsigned int> iterations;
  std::vector<double>       convergence;
  void
  Execute(itk::Object * caller, const itk::EventObject & event) override
  {
    Execute(static_cast<const itk::Object *>(caller), event);
  }
  void
  Execute(const itk::Object * caller, const itk::EventObject & event) override
  {
    if (!itk::IterationEvent().CheckEvent(&event))
      return;
    const auto * n4 = static_cast<const N4Type *>(caller);
    const unsigned int level = n4->GetCurrentLevel();
    if (iterations.size() <= level)
    {
      iterations.resize(level + 1, 0);
      convergence.resize(level + 1, 0);
    }
    iterations[level] = n4->GetElapsedIterations();
    convergence[level] = n4->GetCurrentConvergenceMeasurement();
  }
};
} // namespace

int
main(int argc, char * argv[])
{
  if (argc < 4)
  {
    std::cerr << "usage: n4 IN CORRECTED LOGFIELD [--shrink 4] [--iterations 50x50x50x50] [--threshold 0.001] [--bins 200] "
                 "[--fwhm 0.15] [--wiener 0.01] [--control-points 4] [--threads N]\n";
    return 2;
  }
  unsigned int              shrink = 4;
  std::vector<unsigned int> iterations{ 50, 50, 50, 50 };
  double                    threshold = 0.001, fwhm = 0.15, wiener = 0.01;
  unsigned int              bins = 200, controlPoints = 4, threads = 0;
  for (int a = 4; a + 1 < argc; a += 2)
  {
    const std::string k = argv[a], v = argv[a + 1];
    if (k == "--shrink") shrink = std::stoul(v);
    else if (k == "--threshold") threshold = std::stod(v);
    else if (k == "--bins") bins = std::stoul(v);
    else if (k == "--fwhm") fwhm = std::stod(v);
    else if (k == "--wiener") wiener = std::stod(v);
    else if (k == "--control-points") controlPoints = std::stoul(v);
    else if (k == "--threads") threads = std::stoul(v);
    else if (k == "--iterations")
    {
      iterations.clear();
      std::stringstream ss(v);
      std::string       item;
      while (std::getline(ss, item, 'x')) iterations.push_back(std::stoul(item));
    }
    else
    {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (threads > 0)
  {
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
    itk::MultiThreaderBase::SetGlobalMaximumNumberOfThreads(threads);
  }

  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(argv[1]);
  reader->Update();
  ImageType::Pointer input = reader->GetOutput();
  input->DisconnectPipeline();

  const auto start = std::chrono::steady_clock::now();

  // Otsu on the full image; voxels above the threshold are the foreground (1).
  auto otsu = itk::OtsuThresholdImageFilter<ImageType, MaskType>::New();
  otsu->SetInput(input);
  otsu->SetNumberOfHistogramBins(200);
  otsu->SetInsideValue(0);
  otsu->SetOutsideValue(1);
  otsu->Update();

  auto shrinkImage = itk::ShrinkImageFilter<ImageType, ImageType>::New();
  shrinkImage->SetInput(input);
  shrinkImage->SetShrinkFactors(shrink);
  shrinkImage->Update();
  auto shrinkMask = itk::ShrinkImageFilter<MaskType, MaskType>::New();
  shrinkMask->SetInput(otsu->GetOutput());
  shrinkMask->SetShrinkFactors(shrink);
  shrinkMask->Update();
  const double prepareSeconds = seconds(start);

  auto n4 = N4Type::New();
  n4->SetInput(shrinkImage->GetOutput());
  n4->SetMaskImage(shrinkMask->GetOutput());
  N4Type::VariableSizeArrayType maxIterations(static_cast<unsigned int>(iterations.size()));
  for (unsigned int l = 0; l < iterations.size(); ++l) maxIterations[l] = iterations[l];
  n4->SetMaximumNumberOfIterations(maxIterations);
  N4Type::ArrayType levels;
  levels.Fill(static_cast<unsigned int>(iterations.size()));
  n4->SetNumberOfFittingLevels(levels);
  N4Type::ArrayType cps;
  cps.Fill(controlPoints);
  n4->SetNumberOfControlPoints(cps);
  n4->SetConvergenceThreshold(threshold);
  n4->SetNumberOfHistogramBins(bins);
  n4->SetBiasFieldFullWidthAtHalfMaximum(fwhm);
  n4->SetWienerFilterNoise(wiener);
  auto counter = LevelCounter::New();
  n4->AddObserver(itk::IterationEvent(), counter);
  const auto fitStart = std::chrono::steady_clock::now();
  n4->Update();
  const double fitSeconds = seconds(fitStart);

  // The log field on the full grid from the final lattice (ITK's N4 example).
  const auto applyStart = std::chrono::steady_clock::now();
  using ScalarImageType = itk::Image<itk::Vector<float, 1>, 3>;
  auto bspliner = itk::BSplineControlPointImageFilter<N4Type::BiasFieldControlPointLatticeType, ScalarImageType>::New();
  bspliner->SetInput(n4->GetLogBiasFieldControlPointLattice());
  bspliner->SetSplineOrder(n4->GetSplineOrder());
  bspliner->SetSize(input->GetLargestPossibleRegion().GetSize());
  bspliner->SetOrigin(input->GetOrigin());
  bspliner->SetDirection(input->GetDirection());
  bspliner->SetSpacing(input->GetSpacing());
  bspliner->Update();

  auto logField = ImageType::New();
  logField->CopyInformation(input);
  logField->SetRegions(input->GetLargestPossibleRegion());
  logField->Allocate();
  auto corrected = ImageType::New();
  corrected->CopyInformation(input);
  corrected->SetRegions(input->GetLargestPossibleRegion());
  corrected->Allocate();
  const auto * b = bspliner->GetOutput()->GetBufferPointer();
  const float * in = input->GetBufferPointer();
  float *       lf = logField->GetBufferPointer();
  float *       out = corrected->GetBufferPointer();
  const size_t  n = input->GetLargestPossibleRegion().GetNumberOfPixels();
  for (size_t i = 0; i < n; ++i)
  {
    lf[i] = b[i][0];
    out[i] = in[i] / std::exp(lf[i]);
  }
  const double applySeconds = seconds(applyStart);
  const double totalSeconds = seconds(start);

  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetInput(corrected);
  writer->SetFileName(argv[2]);
  writer->Update();
  auto fieldWriter = itk::ImageFileWriter<ImageType>::New();
  fieldWriter->SetInput(logField);
  fieldWriter->SetFileName(argv[3]);
  fieldWriter->Update();

  std::cout << "{\"seconds\":" << totalSeconds << ",\"prepareSeconds\":" << prepareSeconds << ",\"fitSeconds\":" << fitSeconds
            << ",\"applySeconds\":" << applySeconds << ",\"threads\":" << itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads()
            << ",\"otsuThreshold\":" << otsu->GetThreshold() << ",\"iterations\":[";
  for (size_t l = 0; l < counter->iterations.size(); ++l) std::cout << (l ? "," : "") << counter->iterations[l];
  std::cout << "],\"convergence\":[";
  for (size_t l = 0; l < counter->convergence.size(); ++l) std::cout << (l ? "," : "") << counter->convergence[l];
  std::cout << "]}" << std::endl;
  return 0;
}
